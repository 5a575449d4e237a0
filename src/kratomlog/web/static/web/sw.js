// kratomlog's service worker: keeps the app's shell (styles, scripts, icon) for offline use.
// Pages are always fetched from the server first: the journal's numbers must never be stale.
const SHELL = "kratomlog-shell-v1";
const SHELL_FILES = [
  "/static/web/app.css",
  "/static/web/app.js",
  "/static/web/icon.svg",
  "/static/django_htmx/htmx-2.min.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_FILES)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((key) => key !== SHELL).map((key) => caches.delete(key))))
  );
  self.clients.claim();
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(event.request).then((hit) => hit || fetch(event.request)));
    return;
  }
  if (event.request.mode === "navigate") {
    event.respondWith(
      fetch(event.request).catch(() => new Response(
        "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
        "<link rel=stylesheet href=/static/web/app.css><main><h1>kratomlog is not running</h1>" +
        "<p>Start it on your computer with <code>kratomlog serve</code>, then reload this page.</p></main>",
        { headers: { "Content-Type": "text/html; charset=utf-8" } }
      ))
    );
  }
});
