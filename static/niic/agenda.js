// My agenda: starred sessions live in this browser's localStorage (no account, no cookie).
// Without this script every star is a submit button that adds the session to the agenda in the
// page's URL (the server redirects to the new list); with it, a star toggles the session in
// this browser, and its words — its accessible name too — say which state it is in.
const STORAGE_KEY = "niic-agenda";
// The session page's star, and the one button of every card in a listing.
const STAR = "button.star, article > button[value]";
const labels = {
  add: document.body.dataset.starAdd,
  remove: document.body.dataset.starRemove,
};

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

function sameSet(first, second) {
  return first.length === second.length && first.every((id) => second.includes(id));
}

function showState(button, starred) {
  button.classList.toggle("on", starred);
  button.name = starred ? "remove" : "add";
  const words = starred ? labels.remove : labels.add;
  if (button.textContent !== words) button.textContent = words;
}

function syncStars(root = document) {
  const ids = starredIds();
  for (const button of root.querySelectorAll(STAR)) {
    showState(button, ids.includes(Number(button.value)));
  }
  for (const link of document.querySelectorAll("[data-agenda-link]")) {
    link.search = agendaQuery(ids);
  }
}

// The agenda page: "My agenda" when the URL lists this browser's stars, "Shared agenda" when it
// lists someone else's choice.
const page = document.querySelector("[data-agenda-page]");

function pageIds() {
  return page.dataset.agendaIds ? page.dataset.agendaIds.split(",").map(Number) : [];
}

function isMyAgenda() {
  return page && sameSet(pageIds(), starredIds());
}

function setAgendaLinks(ids) {
  for (const link of page.querySelectorAll("[data-agenda-export], [data-agenda-subscribe]")) {
    const url = new URL(link.href);
    url.search = agendaQuery(ids);
    link.href = url.href;
  }
  const more = page.querySelector("[data-agenda-more]");
  if (more) {
    const url = new URL(more.href);
    url.search = ids.length ? `?agenda=${ids.join(",")}` : "";
    more.href = url.href;
  }
}

function showMode() {
  const mine = isMyAgenda();
  const title = mine ? page.dataset.titleMine : page.dataset.titleShared;
  page.querySelector("[data-agenda-title]").textContent = title;
  document.title = title;
  const shared = page.querySelector("[data-agenda-shared]");
  if (shared) shared.hidden = mine || !pageIds().length;
}

function removeFromMyAgenda(id) {
  const item = page.querySelector(`[data-agenda-item="${id}"]`);
  if (!item) return;
  const day = item.closest("[data-agenda-day]");
  item.remove();
  if (day && !day.querySelector("[data-agenda-item]")) day.remove();
  const ids = starredIds();
  page.dataset.agendaIds = ids.join(",");
  setAgendaLinks(ids);
  for (const input of page.querySelectorAll("input[name=sessions]")) input.value = ids.join(",");
  history.replaceState(null, "", `${location.pathname}${agendaQuery(ids)}`);
  page.querySelector("[data-agenda-status]").textContent = page.dataset.removed;
  if (!page.querySelector("[data-agenda-item]")) {
    page.querySelector("[data-agenda-list]").hidden = true;
    page.querySelector("[data-agenda-empty]").hidden = false;
  }
}

function toggleStar(button) {
  const id = Number(button.value);
  const ids = starredIds();
  const wasMine = isMyAgenda();
  const starred = !ids.includes(id);
  saveIds(starred ? [...ids, id] : ids.filter((each) => each !== id));
  syncStars();
  if (page && wasMine && !starred) removeFromMyAgenda(id);
  else if (page) showMode();
}

function openAgendaPage() {
  if (!page) return;
  if (page.dataset.agendaIds === undefined) {
    const ids = starredIds();
    if (ids.length) location.replace(`${location.pathname}${agendaQuery(ids)}`);
    return;
  }
  showMode();
  page.querySelector("[data-agenda-add-all]")?.addEventListener("click", () => {
    const ids = starredIds();
    const all = [...ids, ...pageIds().filter((id) => !ids.includes(id))];
    saveIds(all);
    location.replace(`${location.pathname}${agendaQuery(all)}`);
  });
}

document.addEventListener("click", (event) => {
  const button = event.target.closest(STAR);
  if (!button) return;
  event.preventDefault();
  toggleStar(button);
});
document.addEventListener("niic:content", (event) => syncStars(event.target));
window.addEventListener("storage", () => syncStars());

syncStars();
openAgendaPage();
