// My agenda: starred sessions live in this browser's localStorage (no account, no cookie).
// Without this script every star is a submit button that adds the session to the agenda in the
// page's URL (the server redirects to the new list's URL); with it, a star toggles the session
// in this browser, and its words — its accessible name too — say which state it is in.
//
// An agenda kept on the site under a link (/agenda/<token>/) exists only once its attendee
// asked for that link. A browser that opened it remembers its token here and keeps its stars in
// step with it: each star sends that one change there, and each page reads the stored list.
// Without a token nothing leaves the browser.
const STORAGE_KEY = "niic-agenda";
const TOKEN_KEY = "niic-agenda-token";
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

function followedToken() {
  const token = localStorage.getItem(TOKEN_KEY) || "";
  return /^[-\w]{16,64}$/.test(token) ? token : "";
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

// "/en/agenda/": the menu's link as the server wrote it (syncStars changes it), in the page's
// language.
const menuLink = document.querySelector("[data-agenda-link]");
const AGENDA_PATH = menuLink
  ? new URL(menuLink.href).pathname
  : `${location.pathname.split("/agenda/")[0]}/agenda/`;

function agendaPath() {
  return AGENDA_PATH;
}

function syncStars(root = document) {
  const ids = starredIds();
  for (const button of root.querySelectorAll(STAR)) {
    showState(button, ids.includes(Number(button.value)));
  }
  const token = followedToken();
  for (const link of document.querySelectorAll("[data-agenda-link]")) {
    if (token) link.href = `${agendaPath()}${token}/`;
    else link.search = agendaQuery(ids);
  }
}

// The stored agenda, for a browser that follows its link.

function storedAgendaUrl(token) {
  return `${agendaPath()}${token}/`;
}

async function sendChange(token, change) {
  const response = await fetch(storedAgendaUrl(token), {
    method: "POST",
    headers: { Accept: "application/json" },
    body: new URLSearchParams(change),
    credentials: "omit",
  });
  if (response.status === 404) forgetToken();
  if (!response.ok) throw new Error(`agenda not saved: ${response.status}`);
  return (await response.json()).sessions;
}

// Each star's change goes to the stored agenda as it is; its answer is the list of every device.
async function saveChange(change) {
  const token = followedToken();
  if (!token) return;
  try {
    saveIds(await sendChange(token, change));
    syncStars();
  } catch {
    announce(page?.dataset.notSaved || "");
  }
}

async function readStoredAgenda() {
  const token = followedToken();
  if (!token || (page && page.dataset.agendaToken === token)) return;
  try {
    const response = await fetch(storedAgendaUrl(token), {
      headers: { Accept: "application/json" },
      credentials: "omit",
      cache: "no-store",
    });
    if (response.status === 404) forgetToken();
    if (!response.ok) return;
    saveIds((await response.json()).sessions);
    syncStars();
  } catch {
    // Offline: the stars of this browser stand until the next page.
  }
}

function forgetToken() {
  localStorage.removeItem(TOKEN_KEY);
}

// The agenda page: "My agenda" when it shows this browser's stars (its URL's list, or the
// stored agenda this browser follows), "Shared agenda" when it lists someone else's choice.
const page = document.querySelector("[data-agenda-page]");

function announce(words) {
  const status = page?.querySelector("[data-agenda-status]");
  if (!status) return;
  // Emptied first, so that the same words said twice are said again.
  status.textContent = "";
  setTimeout(() => {
    status.textContent = words;
  }, 50);
}

function pageIds() {
  return page.dataset.agendaIds ? page.dataset.agendaIds.split(",").map(Number) : [];
}

function isStoredAgendaPage() {
  return Boolean(page?.dataset.agendaToken);
}

function isMyAgenda() {
  return page && (isStoredAgendaPage() || sameSet(pageIds(), starredIds()));
}

function setAgendaLinks(ids) {
  page.dataset.agendaIds = ids.join(",");
  for (const input of page.querySelectorAll("input[name=sessions]")) input.value = ids.join(",");
  if (isStoredAgendaPage()) return; // its links name the token, not the list
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
  const shared = page.querySelector("[data-agenda-link-url]");
  if (shared) {
    const url = new URL(shared.value);
    url.search = agendaQuery(ids);
    shared.value = url.href;
  }
  history.replaceState(null, "", `${location.pathname}${agendaQuery(ids)}`);
}

function showMode() {
  const mine = isMyAgenda();
  const title = mine ? page.dataset.titleMine : page.dataset.titleShared;
  page.querySelector("[data-agenda-title]").textContent = title;
  document.title = title;
  const shared = page.querySelector("[data-agenda-shared]");
  if (shared) shared.hidden = mine || !pageIds().length;
}

function visibleItems() {
  return page.querySelectorAll("[data-agenda-item]:not([data-removed])");
}

function showEmptyWhenEmpty() {
  const empty = !visibleItems().length;
  page.querySelector("[data-agenda-empty]").hidden = !empty;
  const getLink = page.querySelector("[data-agenda-get-link]");
  if (getLink) getLink.hidden = empty;
}

function titleOf(item) {
  return item.querySelector("h2, h3, h4")?.textContent.trim() || "";
}

function fill(template, title) {
  return template.replace("%(title)s", title);
}

// A removed session leaves a line in its place, "“…” removed from your agenda. [Undo]", which
// takes the focus: the keyboard stays where it was, and Undo is one key away. The card is kept
// aside, out of the page, to be put back as it was.
function removeFromMyAgenda(id) {
  const item = page.querySelector(`[data-agenda-item="${id}"]:not([data-removed])`);
  if (!item) return;
  const title = titleOf(item);
  const card = document.createDocumentFragment();
  card.append(...item.childNodes);
  item.dataset.removed = "";
  const line = document.createElement("p");
  line.className = "agenda-removed";
  const words = document.createElement("span");
  words.id = `removed-${id}`;
  words.textContent = fill(page.dataset.removedNamed, title);
  const undo = document.createElement("button");
  undo.type = "button";
  undo.textContent = page.dataset.undo;
  undo.setAttribute("aria-describedby", words.id);
  undo.addEventListener("click", () => restore(item, card, id, title));
  line.append(words, " ", undo);
  item.append(line);
  setAgendaLinks(starredIds());
  announce(page.dataset.removed);
  undo.focus();
  showEmptyWhenEmpty();
}

function restore(item, card, id, title) {
  const ids = starredIds();
  if (!ids.includes(id)) saveIds([...ids, id]);
  item.replaceChildren(card);
  delete item.dataset.removed;
  syncStars();
  setAgendaLinks(starredIds());
  showEmptyWhenEmpty();
  item.querySelector(STAR)?.focus();
  announce(fill(page.dataset.restored, title));
  saveChange({ add: String(id) });
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
  saveChange(starred ? { add: String(id) } : { remove: String(id) });
}

// Web Share where the device has it, else the clipboard, else the link selected for the
// device's own copy command. Without this script the link is there to select.
function setUpShareButtons() {
  for (const button of page.querySelectorAll("[data-agenda-share]")) {
    const input = button.parentElement.querySelector("[data-agenda-link-url]");
    const canShare = typeof navigator.share === "function";
    button.textContent = canShare ? button.dataset.share : button.dataset.copy;
    button.hidden = false;
    button.addEventListener("click", async () => {
      if (canShare) {
        try {
          await navigator.share({ title: button.dataset.title, url: input.value });
          return;
        } catch (error) {
          if (error.name === "AbortError") return; // the attendee closed the share sheet
        }
      }
      try {
        await navigator.clipboard.writeText(input.value);
        announce(button.dataset.copied);
      } catch {
        input.focus();
        input.select();
        announce(button.dataset.select);
      }
    });
  }
}

// Opened through its link: this browser now follows the stored agenda. Stars it had that the
// agenda lacks are offered, not sent: nothing leaves the browser unasked.
function followStoredAgenda() {
  const token = page.dataset.agendaToken;
  const stored = pageIds();
  const others = followedToken() === token ? [] : starredIds().filter((id) => !stored.includes(id));
  localStorage.setItem(TOKEN_KEY, token);
  saveIds(stored);
  syncStars();
  const merge = page.querySelector("[data-agenda-merge]");
  if (merge && others.length) {
    merge.querySelector("[data-agenda-merge-text]").textContent =
      others.length === 1 ? merge.dataset.one : merge.dataset.many.replace("%(count)s", others.length);
    merge.hidden = false;
    merge.querySelector("[data-agenda-merge-button]").addEventListener("click", async () => {
      try {
        await sendChange(token, { add: others.join(",") });
        location.reload();
      } catch {
        announce(page.dataset.notSaved);
      }
    });
  }
  const forget = page.querySelector("[data-agenda-forget]");
  if (forget) {
    forget.hidden = false;
    forget.addEventListener("click", () => {
      forgetToken();
      syncStars();
      forget.hidden = true;
      announce(forget.dataset.forgotten);
    });
  }
}

function openAgendaPage() {
  if (!page) return;
  if (isStoredAgendaPage()) {
    followStoredAgenda();
  } else if (page.dataset.agendaIds === undefined) {
    const token = followedToken();
    if (token) {
      location.replace(storedAgendaUrl(token));
      return;
    }
    const ids = starredIds();
    if (ids.length) location.replace(`${location.pathname}${agendaQuery(ids)}`);
    return;
  }
  showMode();
  setUpShareButtons();
  page.querySelector("[data-agenda-add-all]")?.addEventListener("click", async () => {
    const ids = starredIds();
    const added = pageIds().filter((id) => !ids.includes(id));
    const all = [...ids, ...added];
    saveIds(all);
    if (added.length) await saveChange({ add: added.join(",") });
    location.replace(`${location.pathname}${agendaQuery(starredIds())}`);
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
readStoredAgenda();
