// My agenda flags the starred sessions that changed since this browser last looked: the
// releases (public change log) are read from changes.json; the newest release this browser has
// seen is kept in localStorage (no cookie). A first visit flags nothing and remembers.
const SEEN_KEY = "niic-seen-release";
const box = document.querySelector("[data-agenda-changes]");

function seenRelease() {
  const seen = Number(localStorage.getItem(SEEN_KEY));
  return Number.isInteger(seen) ? seen : null;
}

function changedSince(releases, seen) {
  const changed = new Map();
  for (const release of releases) {
    if (release.id <= seen) continue;
    for (const [id, kinds] of Object.entries(release.sessions)) {
      const all = changed.get(Number(id)) || new Set();
      for (const kind of kinds) all.add(kind);
      changed.set(Number(id), all);
    }
  }
  return changed;
}

function flag(item, kinds) {
  const words = [...kinds].map((kind) => box.dataset[`kind${kind[0].toUpperCase()}${kind.slice(1)}`] || kind);
  const badge = document.createElement("p");
  badge.className = "badge changed";
  badge.textContent = `${box.dataset.flag} ${words.join(", ")}`;
  item.prepend(badge);
}

async function showChanges() {
  if (!box) return;
  let releases;
  try {
    // Asked again each time (a 304 when nothing was released): the browser may otherwise reuse
    // a copy for its max-age, and a release just made would wait that long to be flagged.
    const response = await fetch(box.dataset.changesUrl, {
      cache: "no-cache",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return;
    releases = (await response.json()).releases;
  } catch {
    return;
  }
  if (!releases.length) return;
  const newest = Math.max(...releases.map((release) => release.id));
  const seen = seenRelease();
  localStorage.setItem(SEEN_KEY, String(newest));
  if (seen === null) return;
  const changed = changedSince(releases, seen);
  let count = 0;
  for (const item of document.querySelectorAll("[data-agenda-item]")) {
    const kinds = changed.get(Number(item.dataset.agendaItem));
    if (!kinds) continue;
    flag(item, kinds);
    count += 1;
  }
  if (count) {
    box.querySelector("[data-agenda-changes-count]").textContent = box.dataset[count === 1 ? "one" : "many"].replace("%(count)s", count);
    box.hidden = false;
  }
}

showChanges();
