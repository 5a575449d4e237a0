// Installable and usable offline: register the service worker that caches the app's shell.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js").catch(() => {});
  });
}

// Signed out (by hand or after a while idle): the Help now page kept for offline use holds the
// person's own plan for hard moments, and this device may be shared, so it goes. The page deletes
// it itself (whether or not the worker controls it) and tells the worker, which owns the name.
if (document.querySelector("[data-signed-out]")) {
  if ("caches" in window) caches.delete("kratomlog-help").catch(() => {});
  if (navigator.serviceWorker && navigator.serviceWorker.controller) {
    navigator.serviceWorker.controller.postMessage("signed-out");
  }
}

// After Log (or any swap of a page part), move focus to what answers it: the result, the
// error or the question, so a screen reader reads it and a phone scrolls to it.
document.addEventListener("htmx:afterSettle", (event) => {
  const target = event.detail.elt.querySelector ? event.detail.elt.querySelector("[data-focus]") : null;
  const answer = target || document.querySelector("[data-focus]");
  if (answer) {
    answer.focus({ preventScroll: true });
    answer.scrollIntoView({ block: "start" });
  }
});

// A calendar wider than the screen opens at its latest weeks, at the right, and says that it
// scrolls only when it does (a year fits a desktop; the hint and the faded edge follow).
const markScrolling = (box) => {
  box.toggleAttribute("data-scrolls", box.scrollWidth > box.clientWidth + 1);
};
const scrollToLatest = (root) => {
  root.querySelectorAll("[data-scroll-end]").forEach((box) => {
    box.scrollLeft = box.scrollWidth;
    markScrolling(box);
  });
};
scrollToLatest(document);
document.addEventListener("htmx:afterSettle", (event) => scrollToLatest(event.detail.elt));
window.addEventListener("resize", () => document.querySelectorAll("[data-scroll-end]").forEach(markScrolling));

// The navigation's More opens as a menu (a plain <details>, so it works without this script):
// Escape or a tap elsewhere closes it, and Escape gives the focus back to More.
const openMore = () => document.querySelector(".app-nav .more details[open]");
document.addEventListener("keydown", (event) => {
  const more = openMore();
  if (event.key === "Escape" && more) {
    more.open = false;
    more.querySelector("summary").focus();
  }
});
document.addEventListener("click", (event) => {
  const more = openMore();
  if (more && !more.contains(event.target)) more.open = false;
});
