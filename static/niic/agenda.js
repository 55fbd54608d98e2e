// My agenda: starred sessions live in this browser's localStorage (no account, no cookie).
// Pages work without this script; it only reveals the star buttons and fills the agenda page.
const STORAGE_KEY = "niic-agenda";

function starredIds() {
  try {
    const ids = JSON.parse(localStorage.getItem(STORAGE_KEY) || "[]");
    return Array.isArray(ids) ? ids.filter(Number.isInteger) : [];
  } catch {
    return [];
  }
}

function saveIds(ids) {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(ids));
}

function agendaQuery(ids) {
  return ids.length ? `?sessions=${ids.join(",")}` : "";
}

function syncStars(root = document) {
  const ids = starredIds();
  for (const button of root.querySelectorAll("[data-star]")) {
    button.setAttribute("aria-pressed", String(ids.includes(Number(button.dataset.star))));
    button.hidden = false;
  }
  for (const link of document.querySelectorAll("[data-agenda-link]")) {
    link.search = agendaQuery(ids);
  }
}

function toggleStar(button) {
  const id = Number(button.dataset.star);
  const ids = starredIds();
  const next = ids.includes(id) ? ids.filter((each) => each !== id) : [...ids, id];
  saveIds(next);
  syncStars();
}

function openAgendaPage() {
  const page = document.querySelector("[data-agenda-page]");
  if (!page || page.dataset.agendaIds !== undefined) return;
  const ids = starredIds();
  if (ids.length) location.replace(`${location.pathname}${agendaQuery(ids)}`);
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-star]");
  if (button) toggleStar(button);
});
document.addEventListener("niic:content", (event) => syncStars(event.target));
window.addEventListener("storage", () => syncStars());

syncStars();
openAgendaPage();
