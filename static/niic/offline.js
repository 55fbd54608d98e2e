// Offline at the venue, the page's side: registers the service worker (/sw.js), asks it to keep
// the current edition in this page's language, and says so when this page is the stored copy
// ("Offline copy from 10:42"). The service worker marks such a page on its <html> element
// (data-offline-copy, the time it was stored); a page it could not find at all is the offline
// page, marked data-offline-fallback.
const root = document.documentElement;
const settings = document.querySelector("meta[name=niic-service-worker]");

function copyTime(iso, zone) {
  const stored = new Date(iso);
  if (Number.isNaN(stored.getTime())) return "";
  // In the edition's zone, as every time on the site (its pages name the zone).
  const options = { hour: "numeric", minute: "2-digit" };
  if (zone) options.timeZone = zone;
  const sameDay = new Date().toDateString() === stored.toDateString();
  if (!sameDay) Object.assign(options, { month: "short", day: "numeric" });
  try {
    return new Intl.DateTimeFormat(root.lang, options).format(stored);
  } catch {
    delete options.timeZone; // a zone this browser does not know: its own
    return new Intl.DateTimeFormat(root.lang, options).format(stored);
  }
}

function showOfflineNote() {
  const note = document.querySelector("[data-offline-note]");
  if (!note) return;
  if (root.dataset.offlineCopy !== undefined) {
    const time = copyTime(root.dataset.offlineCopy, root.dataset.offlineZone);
    note.querySelector("[data-offline-note-text]").textContent = note.dataset.text.replace(
      "%(time)s",
      time,
    );
    note.hidden = false;
  }
  if (root.dataset.offlineFallback !== undefined) {
    for (const missing of document.querySelectorAll("[data-offline-missing]")) {
      missing.hidden = false;
    }
  }
}

// The agenda this browser holds is a page of its own (/agenda/?sessions=…): the service worker
// keeps the latest one, so that "My agenda" opens offline too.
function keepAgenda(worker) {
  const link = document.querySelector("[data-agenda-link]");
  if (link && link.search) worker.postMessage({ type: "keep-page", url: link.href });
}

function whenIdle(task) {
  if ("requestIdleCallback" in window) requestIdleCallback(task, { timeout: 5000 });
  else setTimeout(task, 1000);
}

// The worker fetches ahead in rounds: while this page is open, the next round when idle.
function onMessage(event) {
  if (event.data?.type !== "offline-ready") return;
  root.dataset.offlineReady = event.data.stage;
  if (event.data.stage === "partial") {
    whenIdle(() =>
      navigator.serviceWorker.controller?.postMessage({ type: "keep-edition", language: root.lang }),
    );
  }
}

async function keepEdition() {
  if (!settings || !("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("message", onMessage);
  try {
    await navigator.serviceWorker.register(settings.content, { scope: "/" });
    const registration = await navigator.serviceWorker.ready;
    const worker = registration.active;
    worker.postMessage({ type: "keep-edition", language: root.lang });
    keepAgenda(worker);
    // A star changes the agenda's address (agenda.js): keep the new one.
    document.addEventListener("click", (event) => {
      if (event.target.closest("button.star, article > button[value]")) {
        setTimeout(() => keepAgenda(worker), 0);
      }
    });
  } catch {
    // No service worker here (a private window, an old browser): the site works as before.
  }
}

showOfflineNote();
keepEdition();
