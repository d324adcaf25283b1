// Images and fonts imported by the MC packages: a file name is all a component test needs.
module.exports = 'test-file-stub';
