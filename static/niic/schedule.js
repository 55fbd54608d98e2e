// Filters of the schedule and of the whole program. Without JavaScript the form submits and the
// day tabs are links. With it, the results are swapped in place, the URL keeps the state, the
// new count is announced, and focus (with the scroll) moves to the results' heading.
// Filters apply on the "Apply filters" button or Enter; a list changed with the pointer on a
// wide screen applies after a short pause. Arrow keys on a closed list never fetch: Chromium
// fires "change" on each of them, so keyboard changes wait for an explicit apply.
const form = document.querySelector("[data-filters]");
const status = document.querySelector("[data-results-status]");
const wide = window.matchMedia("(min-width: 64rem)");
const POINTER_PAUSE_MS = 600;
let lastInput = "pointer";
let timer = 0;
let inFlight = null;

function results() {
  return document.querySelector("[data-results]");
}

function applyButton() {
  return form.querySelector("[data-apply]");
}

function urlFromForm() {
  const url = new URL(form.action || location.href);
  url.search = "";
  url.hash = "";
  for (const [name, value] of new FormData(form)) {
    if (value) url.searchParams.set(name, value);
  }
  return url;
}

function announce() {
  const count = results().querySelectorAll("article").length;
  status.textContent = count === 1 ? status.dataset.one : status.dataset.many.replace("{count}", count);
}

async function show(url) {
  clearTimeout(timer);
  applyButton().classList.remove("pending");
  inFlight?.abort();
  inFlight = new AbortController();
  const fragmentUrl = new URL(url);
  fragmentUrl.searchParams.set("fragment", "results");
  let response;
  try {
    response = await fetch(fragmentUrl, { headers: { Accept: "text/html" }, signal: inFlight.signal });
  } catch (error) {
    if (error.name !== "AbortError") location.assign(url);
    return;
  }
  if (!response.ok && response.status !== 400) {
    location.assign(url);
    return;
  }
  const holder = document.createElement("div");
  holder.innerHTML = await response.text();
  const fresh = holder.querySelector("[data-results]");
  results().replaceWith(fresh);
  history.replaceState(null, "", url);
  fresh.dispatchEvent(new CustomEvent("niic:content", { bubbles: true }));
  showChosenDay();
  fitGrid();
  announce();
  countActiveFilters();
  // On a phone the filters fold away again so that the results are what is on screen.
  const panel = form.querySelector("[data-filters-panel]");
  if (panel && !wide.matches) panel.open = false;
  fresh.querySelector("#results-heading")?.focus();
}

// "Filters (2 active)": how many filters the results now reflect, on the folded panel.
function countActiveFilters() {
  const counter = form.querySelector("[data-filter-count]");
  if (!counter) return;
  let active = 0;
  for (const [name, value] of new FormData(form)) {
    if (value && name !== "day" && name !== "agenda") active += 1;
  }
  const words = active === 1 ? counter.dataset.one : counter.dataset.many.replace("2", active);
  counter.textContent = active ? `(${words})` : "";
}

function markPending() {
  applyButton().classList.add("pending");
}

if (form && status) {
  // The filters stay folded at every width (their summary counts the active ones), so that
  // the first screen shows sessions.
  form.addEventListener("keydown", () => {
    lastInput = "keyboard";
  });
  form.addEventListener("pointerdown", () => {
    lastInput = "pointer";
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show(urlFromForm());
  });
  form.addEventListener("change", (event) => {
    if (!event.target.matches("select")) return;
    if (lastInput === "keyboard" || !wide.matches) {
      markPending();
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(() => show(urlFromForm()), POINTER_PAUSE_MS);
  });
  document.addEventListener("click", (event) => {
    const tab = event.target.closest(".day-tabs a");
    if (!tab || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    const url = new URL(tab.href);
    let day = form.querySelector("input[name=day]");
    if (!day) {
      day = Object.assign(document.createElement("input"), { type: "hidden", name: "day" });
      form.append(day);
    }
    day.value = url.searchParams.get("day");
    show(url);
  });
}

// Phone day tabs: when the strip is wider than the screen, the chosen day is scrolled into it
// (the strip only, never the page).
function showChosenDay() {
  const chosen = document.querySelector(".day-tabs a[aria-current=page]");
  const strip = chosen?.closest("ul");
  if (!strip || strip.scrollWidth <= strip.clientWidth) return;
  const tab = chosen.getBoundingClientRect();
  const shown = strip.getBoundingClientRect();
  strip.scrollLeft += tab.left - shown.left - (strip.clientWidth - tab.width) / 2;
}

// The wide grid scrolls inside its box, where its room names stick. Sized to the screen below
// its top, the box is whole on the first screen, so the page itself hardly scrolls and the
// room names never leave the screen. (Without JavaScript the stylesheet's near-screen height
// does the same once the grid is scrolled to.)
function fitGrid() {
  const box = document.querySelector(".timetable-scroll");
  if (!box) return;
  if (!wide.matches) {
    box.style.removeProperty("max-height");
    return;
  }
  const top = box.getBoundingClientRect().top + window.scrollY;
  const room = window.innerHeight - top - 8;
  // A box shorter than about half a screen reads worse than a page that scrolls a little.
  if (room >= window.innerHeight / 2) box.style.setProperty("max-height", `${room}px`);
  else box.style.removeProperty("max-height");
}

showChosenDay();
fitGrid();
wide.addEventListener("change", fitGrid);
window.addEventListener("resize", fitGrid);
