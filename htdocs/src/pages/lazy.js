// The chat and the settings: chunks of their own, loaded on first visit
// (components/Lazy.jsx), so the dashboard does not download them.
import { lazyPage } from '../components/Lazy.jsx';

export const Chat = lazyPage(() => import('./Chat.jsx'), 'Chat');
export const Settings = lazyPage(() => import('./Settings.jsx'), 'Settings');
export const ApiDocs = lazyPage(() => import('./ApiDocs.jsx'), 'API reference');
