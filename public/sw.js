// Trato desk service worker: keeps the app shell of one build (HTML, JS, wasm, CSS, icons) so the desk opens with
// no network at all after one visit. `cargo xtask` writes the real file next to each desk build, replacing the
// version and the asset list below; a new build means a new version, which replaces the old cache.
const VERSION = "__VERSION__";
const SHELL = __ASSETS__;
const CACHE = `trato-desk-${VERSION}`;
// Paths that are not the desk: the API and the other faces are never served from this cache.
const NOT_DESK = /^\/(api|portal|widget|demo)(\/|$)/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("trato-desk-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || NOT_DESK.test(url.pathname)) return;
  if (request.mode === "navigate") {
    // The network first (a new build shows at once); the cached page when the backend cannot be reached.
    event.respondWith(
      fetch(request).catch(() => caches.match("/index.html", { cacheName: CACHE }).then((hit) => hit || Response.error())),
    );
    return;
  }
  if (SHELL.includes(url.pathname)) {
    // Build files have content hashes in their names: the cached copy is always right.
    event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
  }
});
