// Uploads: what was dropped or picked, as a flat list of {file, dir} (the
// folders of a drop walked with webkitGetAsEntry, those of a folder picker
// from webkitRelativePath), and one file sent with XMLHttpRequest (fetch has
// no upload progress) to POST .../files/upload?path=DIR as multipart, with
// the CSRF header, its progress reported and abort() to cancel it.
import { ApiError, csrfToken } from '../api.js';
import { refresh } from '../session.js';
import { join, parentOf } from './fsapi.js';

// DataTransfer -> Promise<[{file, dir}]>; dir is relative to the target.
export async function fromDrop(dataTransfer) {
  const entries = [...dataTransfer.items].filter((i) => i.kind === 'file').map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry());
  if (!entries.length || entries.some((e) => !e)) return [...dataTransfer.files].map((file) => ({ file, dir: '' }));
  const out = [];
  for (const e of entries) await walk(e, '', out);
  return out;
}

async function walk(entry, dir, out) {
  if (entry.isFile) {
    const file = await new Promise((ok, ko) => entry.file(ok, ko));
    out.push({ file, dir });
  } else if (entry.isDirectory) {
    const sub = join(dir, entry.name);
    const reader = entry.createReader();
    out.push({ dir: sub }); // the folder itself, made even when empty
    // readEntries gives a batch at a time (100 in Chromium) until empty
    for (;;) {
      const batch = await new Promise((ok, ko) => reader.readEntries(ok, ko));
      if (!batch.length) break;
      for (const e of batch) await walk(e, sub, out);
    }
  }
}

// An <input type=file> (multiple, or webkitdirectory) -> [{file, dir}]
export function fromInput(input) {
  return [...input.files].map((file) => ({ file, dir: parentOf(file.webkitRelativePath || '') }));
}

// Sends one file. Returns {promise, abort}; the promise resolves with the
// API's reply, or rejects with an ApiError (status 0: the network; code
// ABORTED: canceled). onProgress(loaded, total) as the bytes go out.
export function sendFile(url, file, onProgress) {
  let xhr = null;
  let aborted = false;
  const once = () =>
    new Promise((resolve, reject) => {
      xhr = new XMLHttpRequest();
      xhr.open('POST', url);
      xhr.responseType = 'json';
      xhr.setRequestHeader('Accept', 'application/json');
      const t = csrfToken();
      if (t) xhr.setRequestHeader('X-CSRF-Token', t);
      xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size));
      xhr.addEventListener('load', () => resolve(xhr));
      xhr.addEventListener('error', () => reject(new ApiError(0, null, null)));
      xhr.addEventListener('abort', () => reject(Object.assign(new Error('canceled'), { code: 'ABORTED' })));
      const form = new FormData();
      form.append('file', file, file.name);
      xhr.send(form);
    });
  const promise = (async () => {
    let x = await once();
    // the access token ended meanwhile: renew the session, send it again
    if (x.status === 401 && !aborted && (await refresh())) x = await once();
    if (x.status >= 200 && x.status < 300) {
      onProgress(file.size, file.size);
      return x.response;
    }
    throw new ApiError(x.status, x.response, { get: (h) => x.getResponseHeader(h) });
  })();
  return {
    promise,
    abort() {
      aborted = true;
      if (xhr) xhr.abort();
    },
  };
}
