// The service worker of the NIIC program (served at /sw.js by niic.views.service_worker, which
// fills in CONFIG). Once a visitor has opened the site online, it keeps the current edition
// readable offline in their language:
// - pages come from the network whenever it answers, revalidated with the site's ETags, and
//   each public answer replaces the stored copy; the stored copy is used only when the network
//   fails (or does not answer within NETWORK_WAIT_MS), marked with the time it was stored;
// - the list of pages to keep comes from /<language>/offline/pages.json: its `core` pages and
//   the static files are fetched as soon as a page asks (see offline.js), the rest afterwards,
//   one at a time, in rounds that the open page asks for while the browser is idle, unless
//   the browser asks to save data;
// - a page never stored is answered with the offline page, which links to those that are;
// - admin pages, a speaker's own space, POSTs and any answer not marked `public` are never
//   stored; a new deployment (CONFIG.deployment) starts new caches and removes the old ones.
const CONFIG = /*CONFIG*/ {};

const PREFIX = "niic-";
const PAGES = `${PREFIX}pages-${CONFIG.deployment}`;
const FILES = `${PREFIX}files-${CONFIG.deployment}`;
// What is kept and why, as JSON in the pages cache (a service worker has no localStorage).
const STATE_URL = "/offline-state.json";
const STORED_AT = "X-Offline-Stored-At";
// Past this, a page that has a stored copy is answered from it (the fetch goes on, and
// replaces the copy when it ends): a venue's Wi-Fi often hangs rather than fails.
const NETWORK_WAIT_MS = 4000;
// Pages visited outside the list (another edition, a search, a shared agenda): the newest are
// kept, up to this many.
const VISITED_LIMIT = 40;

const defaultState = () => ({
  language: null,
  version: null,
  timeZone: null,
  listed: [],
  visited: [],
  complete: false,
  // The round of fetching under way: "<language> <program version>", and when it began.
  target: null,
  since: null,
});

// State changes one at a time: fetch events and the fetch ahead run concurrently.
let queue = Promise.resolve();
function serially(task) {
  const run = queue.then(task);
  queue = run.catch(() => {});
  return run;
}

async function readState() {
  const stored = await (await caches.open(PAGES)).match(STATE_URL);
  return stored ? { ...defaultState(), ...(await stored.json()) } : defaultState();
}

async function writeState(state) {
  const body = JSON.stringify(state);
  await (await caches.open(PAGES)).put(
    STATE_URL,
    new Response(body, { headers: { "Content-Type": "application/json" } }),
  );
}

function updateState(change) {
  return serially(async () => {
    const state = await readState();
    change(state);
    await writeState(state);
    return state;
  });
}

// What may be stored

function mayStore(url) {
  if (url.origin !== self.location.origin) return false;
  if (CONFIG.neverStored.some((prefix) => url.pathname.startsWith(prefix))) return false;
  // Sign-in links and any other token in an address are personal.
  for (const name of url.searchParams.keys()) {
    if (/token|sesame|key|password/i.test(name)) return false;
  }
  return true;
}

function isFile(url) {
  return url.pathname.startsWith(CONFIG.static) || url.pathname.startsWith(CONFIG.media);
}

// Only what the site says anyone may keep: a signed-in staff member's preview is private.
function storable(response) {
  if (!response || response.status !== 200 || response.type !== "basic") return false;
  const control = (response.headers.get("Cache-Control") || "").toLowerCase();
  return control.includes("public") && !/no-store|private/.test(control);
}

function languageOf(url) {
  const first = url.pathname.split("/")[1];
  return CONFIG.languages.includes(first) ? first : null;
}

async function stamped(response) {
  const headers = new Headers(response.headers);
  headers.set(STORED_AT, new Date().toISOString());
  return new Response(await response.blob(), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

async function store(url, response) {
  await (await caches.open(PAGES)).put(url, await stamped(response));
}

// Answers

function asOfflineCopy(stored, state, { fallback = false } = {}) {
  const type = stored.headers.get("Content-Type") || "";
  if (!type.startsWith("text/html")) return stored;
  return stored.text().then((html) => {
    const storedAt = stored.headers.get(STORED_AT) || "";
    const marks = fallback
      ? "data-offline-fallback"
      : `data-offline-copy="${storedAt}" data-offline-zone="${state.timeZone || ""}"`;
    const headers = new Headers(stored.headers);
    headers.delete("Content-Length");
    headers.delete("Content-Encoding");
    return new Response(html.replace("<html ", `<html ${marks} `), {
      status: 200,
      headers,
    });
  });
}

async function offlinePage(url, state) {
  const language = languageOf(url) || state.language || CONFIG.languages[0];
  const cache = await caches.open(PAGES);
  const page =
    (await cache.match(CONFIG.offlinePages[language])) ||
    (await cache.match(CONFIG.offlinePages[state.language || CONFIG.languages[0]]));
  if (page) return asOfflineCopy(page, state, { fallback: true });
  return new Response("Offline. Sin conexión.", {
    status: 503,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

function timeout(ms) {
  return new Promise((resolve) => setTimeout(() => resolve(null), ms));
}

async function networkFirst(event, url) {
  const request = event.request;
  // A page is always revalidated with the site (a 304 costs it one cache read): an edit
  // released by the organizers shows at the next page a visitor opens.
  const asked = request.mode === "navigate" ? new Request(request, { cache: "no-cache" }) : request;
  const network = fetch(asked);
  // Stored while the page reads the answer (the copy is taken before the page reads it).
  event.waitUntil(
    network
      .then((response) => (storable(response) ? keep(url, response.clone()) : null))
      .catch(() => null),
  );
  const stored = await (await caches.open(PAGES)).match(url.href, { ignoreVary: true });
  try {
    const response = await (stored
      ? Promise.race([network, timeout(NETWORK_WAIT_MS)])
      : network);
    // A server that fails (a database outage) is no better than no network.
    if (response && !(stored && response.status >= 500)) return response;
  } catch {
    // No network: the stored copy, or the offline page.
  }
  const state = await readState();
  if (stored) return asOfflineCopy(stored, state);
  if (request.mode === "navigate") return offlinePage(url, state);
  return Response.error();
}

async function cacheFirst(event, url) {
  const cache = await caches.open(FILES);
  const stored = await cache.match(url.href, { ignoreVary: true });
  if (stored) return stored;
  const response = await fetch(event.request);
  if (response.status === 200 && response.type === "basic") {
    event.waitUntil(cache.put(url.href, response.clone()));
  }
  return response;
}

// Keeping pages: the listed ones stay until a new list drops them; other pages a visitor opens
// (another edition, a search, an agenda) are kept newest first, up to VISITED_LIMIT, and only
// when they are pages (a calendar file or an export is not: it can weigh megabytes).
async function keep(url, response) {
  const path = url.pathname + url.search;
  if ((await readState()).listed.includes(path)) {
    await store(url.href, response);
    return;
  }
  if (!(response.headers.get("Content-Type") || "").startsWith("text/html")) return;
  await store(url.href, response);
  const state = await updateState((state) => {
    state.visited = [...state.visited.filter((each) => each !== path), path];
  });
  const dropped = state.visited.slice(0, Math.max(0, state.visited.length - VISITED_LIMIT));
  if (dropped.length) {
    const cache = await caches.open(PAGES);
    await Promise.all(dropped.map((each) => cache.delete(each)));
    await updateState((state) => {
      state.visited = state.visited.filter((each) => !dropped.includes(each));
    });
  }
}

// Fetching ahead

function savesData() {
  const connection = self.navigator.connection;
  return Boolean(connection && (connection.saveData || /2g/.test(connection.effectiveType || "")));
}

// One page: skipped when its stored copy is newer than the current round of fetching (the
// program has not changed since it was stored), revalidated with its ETag when it is older,
// fetched when there is none. Without cookies: what anyone sees.
async function fetchAhead(path, cache, since) {
  const stored = await cache.match(path, { ignoreVary: true });
  if (stored && (stored.headers.get(STORED_AT) || "") >= since) return;
  const headers = {};
  const etag = stored && stored.headers.get("ETag");
  if (etag) headers["If-None-Match"] = etag;
  try {
    const response = await fetch(path, { credentials: "omit", cache: "no-store", headers });
    if (response.status === 304 && stored) await cache.put(path, await stamped(stored));
    else if (storable(response)) await cache.put(path, await stamped(response));
  } catch {
    // Offline again: the next round resumes from here.
  }
}

async function fetchFile(path, cache) {
  if (await cache.match(path)) return;
  try {
    const response = await fetch(path, { credentials: "omit" });
    if (response.status === 200) await cache.put(path, response);
  } catch {
    // As above.
  }
}

async function tell(message) {
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) {
    client.postMessage(message);
  }
}

let preparing = null;

// Keeps the current edition in `language`: asked by each page a visitor opens (offline.js),
// and again, while the page stays open and the browser is idle, after each round of
// ROUND_MS (a browser stops a worker whose event lasts more than a few minutes).
function prepare(language) {
  if (!preparing) {
    preparing = keepEdition(language).finally(() => {
      preparing = null;
    });
  }
  return preparing;
}

const ROUND_MS = 45_000;

async function keepEdition(language) {
  if (!CONFIG.languages.includes(language)) return;
  let list;
  let version;
  try {
    const response = await fetch(CONFIG.lists[language], { credentials: "omit" });
    if (!response.ok) return;
    version = response.headers.get("ETag");
    list = await response.json();
  } catch {
    return; // offline: keep what is stored
  }
  const before = await readState();
  if (before.complete && before.language === language && before.version === version) {
    await tell({ type: "offline-ready", stage: "complete" });
    return;
  }
  // A round of fetching per program version and language: pages stored since it began are
  // current, and are not asked again when a later round resumes it.
  const target = `${language} ${version}`;
  const since =
    before.target === target && before.since ? before.since : new Date().toISOString();
  const listed = [...list.core, ...list.pages];
  await updateState((state) => {
    Object.assign(state, { target, since, timeZone: list.time_zone, complete: false });
    state.listed = [...new Set([...state.listed, ...listed])];
  });
  const pages = await caches.open(PAGES);
  const files = await caches.open(FILES);
  await Promise.all(list.static.map((path) => fetchFile(path, files)));
  for (const path of list.core) await fetchAhead(path, pages, since);
  await tell({ type: "offline-ready", stage: "core" });
  if (savesData()) return;
  const ends = Date.now() + ROUND_MS;
  for (const path of list.pages) {
    if (Date.now() > ends) {
      await tell({ type: "offline-ready", stage: "partial" });
      return;
    }
    await fetchAhead(path, pages, since);
  }
  // What the new list no longer names (a session removed by a release, the other language's
  // pages) goes.
  const dropped = before.listed.filter((path) => !listed.includes(path));
  await Promise.all(dropped.map((path) => pages.delete(path)));
  await updateState((state) => {
    Object.assign(state, { language, version, listed, complete: true });
    state.visited = state.visited.filter((path) => !listed.includes(path));
  });
  await tell({ type: "offline-ready", stage: "complete" });
}

// The life cycle

self.addEventListener("install", (event) => {
  // Straight in: the new copy is made by the next page that asks (or at once, below).
  event.waitUntil(self.skipWaiting());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      // A new deployment: the previous copies go (they were made by other templates and code).
      const ours = [PAGES, FILES];
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && !ours.includes(name)) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "keep-edition") {
    event.waitUntil(prepare(message.language));
  } else if (message.type === "keep-page" && typeof message.url === "string") {
    const url = new URL(message.url, self.location.origin);
    if (!mayStore(url)) return;
    event.waitUntil(
      fetch(url.href, { credentials: "omit" })
        .then((response) => storable(response) && keep(url, response))
        .catch(() => null),
    );
  }
});

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  const url = new URL(event.request.url);
  if (!mayStore(url)) return; // the browser goes to the network as if there were no worker
  if (url.pathname === STATE_URL) return;
  event.respondWith(isFile(url) ? cacheFirst(event, url) : networkFirst(event, url));
});
