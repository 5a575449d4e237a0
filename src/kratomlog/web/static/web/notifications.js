// The Settings page's notifications: subscribe this browser to Web Push and tell the clinic.
// Permission is asked only from a tap on "Turn on notifications" (iOS refuses it otherwise, and
// a question nobody asked for is a question people answer "no").
(() => {
  const panel = document.getElementById("notifications");
  if (!panel || !panel.dataset.publicKey) return;
  const status = panel.querySelector("[data-push-status]");
  const onButton = panel.querySelector("[data-push-on]");
  const offButton = panel.querySelector("[data-push-off]");
  const say = (text) => { status.textContent = text; status.hidden = !text; };
  const show = (subscribed) => { onButton.hidden = subscribed; offButton.hidden = !subscribed; };

  // iOS and iPadOS (which says it is a Mac) deliver pushes only to an app on the Home Screen.
  const apple = /iPad|iPhone|iPod/.test(navigator.userAgent) ||
    (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  const installed = navigator.standalone === true ||
    window.matchMedia("(display-mode: standalone)").matches;
  if (apple && !installed) {
    panel.querySelector("[data-push-install]").hidden = false;
    return;
  }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("This browser cannot show notifications from a web app; new messages are still announced by mail.");
    return;
  }

  const serverKey = (text) => {
    const base64 = (text + "=".repeat((4 - (text.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  };
  const post = (url, body) => fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": panel.dataset.csrf },
    body: JSON.stringify(body),
  });
  const current = () => navigator.serviceWorker.ready.then((r) => r.pushManager.getSubscription());
  const keep = async (subscription) => {
    const answer = await post(panel.dataset.onUrl, subscription.toJSON());
    if (answer.status === 201) return "";
    const problem = await answer.json().catch(() => ({}));
    return problem.problem || `the clinic answered ${answer.status}`;
  };

  onButton.addEventListener("click", async () => {
    onButton.disabled = true;
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        say("Notifications are blocked for this site. Allow them in the browser's site settings, then tap again.");
        return;
      }
      const registration = await navigator.serviceWorker.ready;
      const subscription = (await registration.pushManager.getSubscription()) ||
        (await registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: serverKey(panel.dataset.publicKey),
        }));
      const problem = await keep(subscription);
      if (problem) {
        await subscription.unsubscribe();
        say(`Notifications could not be turned on: ${problem}.`);
        return;
      }
      show(true);
      say("Notifications are on for this device.");
    } catch (error) {
      say(`Notifications could not be turned on: ${error.message}`);
    } finally {
      onButton.disabled = false;
    }
  });

  offButton.addEventListener("click", async () => {
    offButton.disabled = true;
    try {
      const subscription = await current();
      if (subscription) {
        await post(panel.dataset.offUrl, { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      show(false);
      say("Notifications are off for this device.");
    } catch (error) {
      say(`Notifications could not be turned off: ${error.message}`);
    } finally {
      offButton.disabled = false;
    }
  });

  // What this browser holds decides the button. A subscription the clinic forgot (its push
  // service once answered 410) is told again, so the device keeps getting notifications.
  current().then(async (subscription) => {
    show(Boolean(subscription));
    if (subscription && Notification.permission === "granted") await keep(subscription);
  }).catch(() => show(false));
})();
