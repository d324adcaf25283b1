import { createRoot } from 'react-dom/client';
import { EntryPoint } from './entry-point';

createRoot(document.getElementById('app') as Element).render(<EntryPoint />);
