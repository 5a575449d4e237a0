// kratomlog's service worker: keeps the app's shell (styles, scripts, icon) for offline use.
// Pages are always fetched from the server first: the journal's numbers must never be stale.
// One page is kept for when the server cannot be reached: Help now (the crisis resources and the
// person's own plan for hard moments), refreshed each time it is fetched, on this device only.
const SHELL = "kratomlog-shell-v1";
const HELP = "kratomlog-help";
const HELP_PAGE = "/help";
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
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== SHELL && key !== HELP).map((key) => caches.delete(key))))
      .then(keepHelp)
  );
  self.clients.claim();
});

// The sign-in page after signing out says so: the kept Help now page was that person's.
self.addEventListener("message", (event) => {
  if (event.data === "signed-out") event.waitUntil(caches.delete(HELP));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(event.request).then((hit) => hit || fetch(event.request)));
    return;
  }
  if (event.request.mode === "navigate") {
    const help = url.pathname === HELP_PAGE;
    event.respondWith(
      fetch(event.request).then((response) => {
        if (help) keep(response.clone());
        return response;
      }).catch(() => (help ? caches.match(HELP_PAGE, { cacheName: HELP }) : Promise.resolve(undefined)).then((kept) => kept || (help ? page(NO_HELP_KEPT) : undefined) || new Response(
        "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
        "<link rel=stylesheet href=/static/web/app.css><main><h1>kratomlog is not running</h1>" +
        "<p>Start it on your computer with <code>kratomlog serve</code>, then reload this page.</p>" +
        "<p><a href=/help>Help now</a> works without it.</p></main>",
        { headers: { "Content-Type": "text/html; charset=utf-8" } }
      )))
    );
  }
});

// Help now asked for offline with no copy on this device (never kept, or cleared at sign-out).
const NO_HELP_KEPT =
  "<h1>Help now</h1><p>The server cannot be reached, and this device holds no copy of your " +
  "Help now page: it is kept only while you are signed in, and cleared when you sign out.</p>" +
  "<p>If you are in danger now, call your local emergency number.</p>";

function page(body) {
  return new Response(
    "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
    "<link rel=stylesheet href=/static/web/app.css><main>" + body + "</main>",
    { headers: { "Content-Type": "text/html; charset=utf-8" } }
  );
}

// Only a page that was served as itself (not a sign-in page the server sent instead) is kept.
function keep(response) {
  if (response.ok && !response.redirected) {
    caches.open(HELP).then((cache) => cache.put(HELP_PAGE, response));
  }
}

function keepHelp() {
  return fetch(HELP_PAGE, { credentials: "same-origin" }).then(keep).catch(() => undefined);
}

// Web Push from the clinic. Every push is shown (iOS drops a subscription that receives a push
// it does not show), and says only what the clinic sent: that something is waiting, never what.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  event.waitUntil(self.registration.showNotification(data.title || "Reminder", {
    body: data.body || "Something is waiting for you.",
    icon: "/static/web/icon.svg",
    tag: "waiting",
    renotify: true,
    data: { url: data.url || "/" },
  }));
});

// A tap opens what the push links to: a window already there is focused, else an open window
// goes there, else a new one opens. Only this app's own pages: another origin opens its path.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const given = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  const target = new URL(given.pathname + given.search + given.hash, self.location.origin).href;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
    const there = windows.find((client) => client.url === target);
    if (there) return there.focus();
    const open = windows.find((client) => "navigate" in client);
    if (open) {
      return open.navigate(target)
        .then((client) => (client ? client.focus() : self.clients.openWindow(target)))
        .catch(() => self.clients.openWindow(target));
    }
    return self.clients.openWindow(target);
  }));
});
