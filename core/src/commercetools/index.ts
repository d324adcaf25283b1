export { createCommercetoolsClient, type CommercetoolsClientOptions } from './client';
export {
  bodyUnlessNotFound,
  commercetoolsErrorInfo,
  isConcurrentModification,
  isNotFound,
  isTransientCommercetoolsError,
  type CommercetoolsErrorInfo,
} from './errors';
export {
  updateWithRecompute,
  ConcurrentModificationExhaustedError,
  type Versioned,
  type UpdateWithRecomputeOptions,
  type UpdateWithRecomputeResult,
} from './update';
export {
  createCustomObjects,
  CreateOnlyNotHonouredError,
  CustomObjectContentionError,
  type CustomObjects,
  type StoredObject,
  type CreateOnlyResult,
  type ReplaceResult,
  type RemoveResult,
  type QueryOptions,
  type QueryPage,
  type ModifyResult,
} from './custom-objects';
export {
  customObjectKey,
  assertCustomObjectKey,
  CUSTOM_OBJECT_KEY_PATTERN,
  CUSTOM_OBJECT_KEY_MAX_LENGTH,
} from './keys';
export { predicateString, forEachPage, MAX_QUERY_OFFSET, type PageRequest } from './query';
