// The schedule board, made movable. A card this user may change can be dragged onto another
// room and time, or from the unscheduled drafts onto the grid; or moved with the keyboard: its
// Move button picks it up, the arrow keys choose a room and a time, Enter puts it there and
// Escape puts it back. Each move is one POST to the session's move URL (sessions.services
// checks the rights and rules); the board is then reloaded in place so that clashes show at
// once. Without this script the board shows the same and every card links to its form.

const area = () => document.querySelector("[data-board-area]");
const strings = document.querySelector("[data-board-strings]")?.dataset ?? {};
const statusBox = document.querySelector("[data-board-status]");
const alertBox = document.querySelector("[data-board-alert]");
const csrfToken = document.querySelector("[data-board-strings] [name=csrfmiddlewaretoken]")?.value;

let dragged = null; // the card being dragged with the mouse
let grabbed = null; // {card, row, column} while a card is moved with the keyboard

function board() {
  return area()?.querySelector("[data-board]");
}

function rows() {
  return [...(board()?.querySelectorAll("tbody tr[data-starts]") ?? [])];
}

function roomHeaders() {
  return [...(board()?.querySelectorAll("thead th[data-room]") ?? [])];
}

// The cell that covers a row of a column: one that starts there, or one spanning it.
function cellAt(row, column) {
  for (const cell of board().querySelectorAll(`td[data-column="${column}"]`)) {
    const first = Number(cell.dataset.row);
    if (first <= row && row < first + Number(cell.dataset.slots)) return cell;
  }
  return null;
}

function say(text, items = []) {
  statusBox.replaceChildren(text);
  if (items.length) {
    const list = document.createElement("ul");
    for (const item of items) list.append(Object.assign(document.createElement("li"), { textContent: item }));
    statusBox.append(list);
  }
}

function refuse(errors) {
  const list = document.createElement("ul");
  for (const error of errors) list.append(Object.assign(document.createElement("li"), { textContent: error }));
  alertBox.replaceChildren(Object.assign(document.createElement("strong"), { textContent: strings.refused }), list);
}

function clearTarget() {
  for (const element of document.querySelectorAll(".program-target")) element.classList.remove("program-target");
}

async function reloadBoard(focusSession) {
  const response = await fetch(location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" });
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.querySelector("[data-board-area]");
  if (!fresh) {
    location.reload();
    return;
  }
  area().replaceWith(fresh);
  enhance();
  const button = focusSession && document.querySelector(`#program-card-${focusSession} .program-move`);
  if (button) {
    button.focus();
    button.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
}

async function move(card, room, startsAt) {
  alertBox.replaceChildren();
  say(strings.saving);
  const body = new FormData();
  body.set("room", room);
  body.set("starts_at", startsAt);
  body.set("version", card.dataset.version);
  let answer;
  try {
    const response = await fetch(card.dataset.moveUrl, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
      credentials: "same-origin",
    });
    answer = await response.json();
  } catch {
    say("");
    refuse([strings.unsent]);
    return;
  }
  if (answer.ok) {
    say(answer.message, answer.warnings);
  } else {
    say("");
    refuse(answer.errors);
  }
  await reloadBoard(card.dataset.session);
}

// Where a drop lands: a room (or none, for the unscheduled list) and a start.
function destinationOfCell(cell, clientY) {
  const slots = Number(cell.dataset.slots);
  const box = cell.getBoundingClientRect();
  const offset = slots > 1 ? Math.min(slots - 1, Math.max(0, Math.floor(((clientY - box.top) / box.height) * slots))) : 0;
  return destinationAt(Number(cell.dataset.row) + offset, Number(cell.dataset.column));
}

function destinationAt(row, column) {
  const header = roomHeaders()[column];
  const timeRow = rows()[row];
  return {
    room: header.dataset.room,
    startsAt: timeRow.dataset.starts,
    label: `${header.textContent.trim()}, ${timeRow.querySelector("th").textContent.trim()}`,
  };
}

// Mouse: drag and drop

function onDragStart(event) {
  const card = event.target.closest("[data-session]");
  if (!card) return;
  dragged = card;
  card.classList.add("program-moving");
  event.dataTransfer.effectAllowed = "move";
  event.dataTransfer.setData("text/plain", card.dataset.session);
}

function onDragEnd() {
  dragged?.classList.remove("program-moving");
  dragged = null;
  clearTarget();
}

function dropZone(event) {
  if (!dragged) return null;
  const cell = event.target.closest("[data-board] td[data-row]");
  if (cell) return cell;
  const unscheduled = event.target.closest("[data-drop-unscheduled]");
  // Only a draft goes back to the unscheduled list: that list is the drafts without a room.
  if (unscheduled && dragged.classList.contains("program-draft")) return unscheduled;
  return null;
}

function onDragOver(event) {
  const zone = dropZone(event);
  if (!zone) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = "move";
  if (!zone.classList.contains("program-target")) {
    clearTarget();
    zone.classList.add("program-target");
  }
}

function onDrop(event) {
  const zone = dropZone(event);
  if (!zone) return;
  event.preventDefault();
  const card = dragged;
  onDragEnd();
  if (zone.matches("[data-drop-unscheduled]")) {
    move(card, "", card.dataset.starts);
  } else {
    const destination = destinationOfCell(zone, event.clientY);
    move(card, destination.room, destination.startsAt);
  }
}

// Keyboard: pick up, choose, put down

function showTarget(before = "") {
  clearTarget();
  const cell = cellAt(grabbed.row, grabbed.column);
  cell?.classList.add("program-target");
  cell?.scrollIntoView({ block: "nearest", inline: "nearest" });
  const label = destinationAt(grabbed.row, grabbed.column).label;
  say(before ? `${before} ${label}` : label);
}

function startPosition(card) {
  const columns = roomHeaders();
  const column = Math.max(0, columns.findIndex((header) => header.dataset.room === card.dataset.room));
  const times = rows().map((row) => row.dataset.starts);
  let row = times.indexOf(card.dataset.starts);
  if (row < 0) row = Math.max(0, times.findLastIndex((starts) => starts <= card.dataset.starts));
  return { row, column };
}

function pickUp(card) {
  if (!board()) return;
  grabbed = { card, ...startPosition(card) };
  card.classList.add("program-grabbed");
  card.querySelector(".program-move").setAttribute("aria-pressed", "true");
  alertBox.replaceChildren();
  showTarget(strings.grabbed.replace("{title}", card.dataset.title));
}

function putBack(message) {
  grabbed.card.classList.remove("program-grabbed");
  grabbed.card.querySelector(".program-move").setAttribute("aria-pressed", "false");
  grabbed = null;
  clearTarget();
  if (message !== undefined) say(message);
}

function onMoveClick(event) {
  const button = event.target.closest(".program-move");
  if (!button) return;
  const card = button.closest("[data-session]");
  if (grabbed && grabbed.card === card) {
    const destination = destinationAt(grabbed.row, grabbed.column);
    putBack();
    move(card, destination.room, destination.startsAt);
  } else {
    if (grabbed) putBack();
    pickUp(card);
  }
}

const STEPS = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

function onMoveKey(event) {
  if (!grabbed || !event.target.closest(".program-move")) return;
  if (event.key === "Escape") {
    event.preventDefault();
    putBack(strings.cancelled);
    return;
  }
  const step = STEPS[event.key];
  if (!step) return;
  event.preventDefault();
  grabbed.row = Math.min(rows().length - 1, Math.max(0, grabbed.row + step[0]));
  grabbed.column = Math.min(roomHeaders().length - 1, Math.max(0, grabbed.column + step[1]));
  showTarget();
}

function onFocusOut(event) {
  if (grabbed && event.target.closest(".program-move") && !event.relatedTarget?.closest?.(".program-grabbed")) {
    putBack(strings.cancelled);
  }
}

// Each card this user may move gets its handle; the rest of the board is left as served.
function enhance() {
  for (const hint of document.querySelectorAll(".program-js-only")) hint.hidden = false;
  for (const card of area()?.querySelectorAll("[data-session]") ?? []) {
    card.draggable = true;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button program-move";
    button.setAttribute("aria-pressed", "false");
    button.append(strings.move);
    const hidden = Object.assign(document.createElement("span"), { className: "visually-hidden" });
    hidden.textContent = ` “${card.dataset.title}”`;
    button.append(hidden);
    card.prepend(button);
  }
}

if (area()) {
  enhance();
  const page = document.querySelector("#content-main");
  page.addEventListener("dragstart", onDragStart);
  page.addEventListener("dragend", onDragEnd);
  page.addEventListener("dragover", onDragOver);
  page.addEventListener("drop", onDrop);
  page.addEventListener("click", onMoveClick);
  page.addEventListener("keydown", onMoveKey);
  page.addEventListener("focusout", onFocusOut);
}
