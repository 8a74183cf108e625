// The project's files through /api/v1/projects/{id}/files (api.js does the
// cookies, the CSRF header and the error shape): a directory one page at a
// time, a text file with its ETag, writes with If-Match / If-None-Match,
// mkdir, move, delete, and the URLs of the raw bytes and of a zip.
import { ApiError, get, post, request } from '../api.js';

const q = (path) => `?path=${encodeURIComponent(path)}`;

export function filesApi(base) {
  const root = `${base}/files`;
  return {
    // every entry of one directory (the API pages by 200 at most)
    async list(dir) {
      const items = [];
      for (let offset = 0; ; ) {
        const page = await get(`${root}${q(dir)}&limit=200&offset=${offset}`);
        items.push(...(page.items || []));
        offset += (page.items || []).length;
        if (!page._links || !page._links.next || !(page.items || []).length) return items;
      }
    },
    read: (path) => get(`${root}${q(path)}`),
    // etag: replace only that version (412 when stale); null: create only
    write: (path, content, etag) =>
      request('PUT', `${root}${q(path)}`, { body: { content }, headers: etag ? { 'If-Match': etag } : { 'If-None-Match': '*' } }),
    mkdir: (path) => post(`${root}/mkdir`, { path }),
    // the folder and its parents, whether or not they exist
    async ensureDir(path) {
      try {
        if (path) await post(`${root}/mkdir`, { path });
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 409)) throw err;
      }
    },
    move: (from, to) => post(`${root}/move`, { from, to }),
    remove: (path, recursive) => request('DELETE', `${root}${q(path)}${recursive ? '&recursive=1' : ''}`),
    rawUrl: (path) => `${root}${q(path)}&raw=1`,
    zipUrl: (dir) => `${root}/zip${dir ? q(dir) : ''}`,
    uploadUrl: (dir, overwrite) => `${root}/upload${q(dir)}${overwrite ? '&overwrite=1' : ''}`,
  };
}

export const parentOf = (path) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
export const baseName = (path) => path.slice(path.lastIndexOf('/') + 1);
export const join = (dir, name) => (dir && name ? `${dir}/${name}` : dir || name);

// Sorted as a file manager does: folders first, then by name, numbers in
// their order (file2 before file10), case aside.
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
export function sortEntries(items) {
  return items.slice().sort((a, b) => (a.type === 'dir') !== (b.type === 'dir') ? (a.type === 'dir' ? -1 : 1) : collator.compare(a.name, b.name));
}

const IMAGE = /\.(png|jpe?g|gif|webp|avif|bmp|ico)$/i;
export const isImage = (path) => IMAGE.test(path);
export const isMarkdown = (path) => /\.(md|markdown|mdown)$/i.test(path);
