// The schedule board, made movable. A card this user may change can be dragged onto another
// room and time (it keeps the point where it was grabbed: its top lands where it is seen), onto
// another day's tab, or from the unscheduled drafts onto the grid; its bottom edge dragged to
// change its length; or moved with the keyboard: its Move button picks it up, the arrow keys
// choose a room and a time, Shift with Up or Down its length, Page Up and Page Down its day,
// Enter puts it there and Escape puts it back. Each move is one POST to the session's move URL
// (sessions.services checks the rights and rules); the board is then reloaded in place so that
// clashes show at once. The last move can be undone (a button in the message, or Control+Z),
// which is one more move back; a refusal lists the nearest free slots as buttons that move it
// there. Without this script the board shows the same and every card links to its form.

const area = () => document.querySelector("[data-board-area]");
const strings = document.querySelector("[data-board-strings]")?.dataset ?? {};
const statusBox = document.querySelector("[data-board-status]");
const alertBox = document.querySelector("[data-board-alert]");
// Undo sits right after the messages.
const undoBox = Object.assign(document.createElement("div"), { className: "program-undo-box" });
statusBox?.after(undoBox);
const csrfToken = document.querySelector("[data-board-strings] [name=csrfmiddlewaretoken]")?.value;

// The board's rows are a quarter of an hour each (sessions/admin/board.py, SLOT).
const STEP = 15;

let dragged = null; // {card, offset}: the card dragged with the mouse, grabbed `offset` minutes below its start
let grabbed = null; // {card, row, column, day, length, …} while a card is moved with the keyboard
let resizing = null; // {card, …} while a card's bottom edge is dragged
let lastMove = null; // {moveUrl, session, title, before, version}: what Undo puts back

function board() {
  return area()?.querySelector("[data-board]");
}

function rows() {
  return [...(board()?.querySelectorAll("tbody tr[data-starts]") ?? [])];
}

function roomHeaders() {
  return [...(board()?.querySelectorAll("thead th[data-room]") ?? [])];
}

function dayTabs() {
  return [...document.querySelectorAll(".program-day-tabs a[data-day]")];
}

function boardDay() {
  return board()?.dataset.day;
}

// Times are the edition's wall clock, "YYYY-MM-DDTHH:MM", counted here in minutes.
function minutes(stamp) {
  const [date, clock] = stamp.split("T");
  const [year, month, day] = date.split("-").map(Number);
  const [hour, minute] = clock.split(":").map(Number);
  return Date.UTC(year, month - 1, day, hour, minute) / 60000;
}

function stamp(count) {
  return new Date(count * 60000).toISOString().slice(0, 16);
}

function clock(value) {
  return value.slice(11, 16);
}

function onDay(value, day) {
  return `${day}${value.slice(10)}`;
}

function cardTimes(card) {
  return { starts: card.dataset.starts, ends: card.dataset.ends };
}

// The cell that covers a row of a column: one that starts there, or one spanning it.
function cellAt(row, column) {
  for (const cell of board().querySelectorAll(`td[data-column="${column}"]`)) {
    const first = Number(cell.dataset.row);
    if (first <= row && row < first + Number(cell.dataset.slots)) return cell;
  }
  return null;
}

function cellStart(cell) {
  return minutes(rows()[Number(cell.dataset.row)].dataset.starts);
}

function element(tag, properties = {}) {
  return Object.assign(document.createElement(tag), properties);
}

function list(items) {
  const found = element("ul");
  for (const item of items) found.append(element("li", { textContent: item }));
  return found;
}

function say(text, items = []) {
  statusBox.replaceChildren(text);
  if (items.length) statusBox.append(list(items));
}

function refuse(errors, session, slots = []) {
  alertBox.replaceChildren(element("strong", { textContent: strings.refused }), list(errors));
  if (!slots.length) return;
  const title = lastCardTitle(session);
  const offers = element("ul", { className: "program-free-slots" });
  for (const slot of slots) {
    const button = element("button", { type: "button", className: "button program-free-slot" });
    button.textContent = strings.moveThere.replace("{slot}", slot.label);
    Object.assign(button.dataset, { session, room: slot.room, starts: slot.starts_at, ends: slot.ends_at });
    const item = element("li");
    item.append(button);
    offers.append(item);
  }
  alertBox.append(element("p", { textContent: strings.freeSlots.replace("{title}", title) }), offers);
}

function lastCardTitle(session) {
  return document.querySelector(`[data-session="${session}"]`)?.dataset.title ?? "";
}

function clearTarget() {
  for (const found of document.querySelectorAll(".program-target")) found.classList.remove("program-target");
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

// One move: `place` is {room, starts, ends}; `undoing` when it puts back the last move.
async function move(card, place, { undoing = false, fromKeyboard = false } = {}) {
  alertBox.replaceChildren();
  undoBox.replaceChildren();
  say(strings.saving);
  const before = { room: card.dataset.room ?? "", ...cardTimes(card) };
  const session = card.dataset.session;
  const body = new FormData();
  body.set("room", place.room ?? "");
  body.set("starts_at", place.starts);
  if (place.ends) body.set("ends_at", place.ends);
  body.set("version", undoing ? lastMove.version : card.dataset.version);
  let answer;
  try {
    const response = await fetch(undoing ? lastMove.moveUrl : card.dataset.moveUrl, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
      credentials: "same-origin",
    });
    answer = await response.json();
  } catch {
    say("");
    refuse([strings.unsent], session);
    return;
  }
  // Said once the board is drawn again, so that what is said is what is shown.
  await reloadBoard(session);
  if (answer.ok) {
    lastMove = undoing
      ? null
      : { moveUrl: card.dataset.moveUrl, session, title: card.dataset.title, before, version: answer.version };
    say(undoing ? `${strings.undone} ${answer.message}` : answer.message, answer.warnings);
    // Beside the message rather than in it, so that the live region says only what happened.
    undoBox.replaceChildren(...(lastMove ? [undoButton()] : []));
  } else {
    say("");
    refuse(answer.errors, session, answer.free_slots ?? []);
    if (fromKeyboard) alertBox.querySelector(".program-free-slot")?.focus();
  }
}

function undoButton() {
  const button = element("button", { type: "button", className: "button program-undo" });
  button.append(strings.undo);
  button.setAttribute("aria-label", strings.undoOf.replace("{title}", lastMove.title));
  return button;
}

function undo() {
  if (!lastMove) {
    say(strings.nothingToUndo);
    return;
  }
  // The card may be on another day's board now: the move URL and version are kept with the move.
  const card = document.querySelector(`[data-board-area] [data-session="${lastMove.session}"]`) ?? {
    dataset: { session: lastMove.session, title: lastMove.title, moveUrl: lastMove.moveUrl },
  };
  move(card, lastMove.before, { undoing: true });
}

// Where a drop on the grid lands: the card's start follows the pointer, less the offset at
// which it was grabbed, by whole steps from where it was (so that 10:08 stays 10:08 straight
// across); a card from the unscheduled drafts starts on the row it is dropped on.
function destinationOfCell(cell, clientY) {
  const slots = Number(cell.dataset.slots);
  const box = cell.getBoundingClientRect();
  const pointer = cellStart(cell) + (Math.max(0, clientY - box.top) / box.height) * slots * STEP;
  const header = roomHeaders()[Number(cell.dataset.column)];
  const { card, offset } = dragged;
  const { starts, ends } = cardTimes(card);
  const length = minutes(ends) - minutes(starts);
  let start;
  if (card.closest("[data-board]") && starts.slice(0, 10) === boardDay()) {
    start = minutes(starts) + Math.round((pointer - offset - minutes(starts)) / STEP) * STEP;
  } else {
    start = Math.floor(pointer / STEP) * STEP;
  }
  const first = minutes(rows()[0].dataset.starts);
  const last = minutes(rows().at(-1).dataset.starts) + STEP;
  start = Math.min(Math.max(first, start), Math.max(first, last - length));
  return { room: header.dataset.room, starts: stamp(start), ends: stamp(start + length) };
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
  const card = event.target.closest?.("[data-session]");
  if (!card || resizing) {
    if (resizing) event.preventDefault();
    return;
  }
  const { starts, ends } = cardTimes(card);
  // Measured on the cell, which spans the card's rows (the card may be drawn taller while
  // it is pointed at, to show all of itself).
  const cell = card.closest(".program-laid-out td[data-row]");
  let offset = 0;
  if (cell) {
    const box = cell.getBoundingClientRect();
    const perMinute = box.height / (Number(cell.dataset.slots) * STEP);
    const pointer = cellStart(cell) + (event.clientY - box.top) / perMinute;
    offset = Math.min(minutes(ends) - minutes(starts), Math.max(0, pointer - minutes(starts)));
  }
  dragged = { card, offset };
  card.classList.add("program-moving");
  event.dataTransfer.effectAllowed = "move";
  event.dataTransfer.setData("text/plain", card.dataset.session);
}

function onDragEnd() {
  dragged?.card.classList.remove("program-moving");
  dragged = null;
  clearTarget();
}

function dropZone(event) {
  if (!dragged) return null;
  const cell = event.target.closest("[data-board] td[data-row]");
  if (cell) return cell;
  const tab = event.target.closest(".program-day-tabs a[data-day]");
  if (tab) return tab;
  const unscheduled = event.target.closest("[data-drop-unscheduled]");
  // Only a draft goes back to the unscheduled list: that list is the drafts without a room.
  if (unscheduled && dragged.card.classList.contains("program-draft")) return unscheduled;
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
  const card = dragged.card;
  const { starts, ends } = cardTimes(card);
  let place;
  if (zone.matches("[data-drop-unscheduled]")) {
    place = { room: "", starts };
  } else if (zone.matches("a[data-day]")) {
    // Another day: the same room and the same hours.
    place = { room: card.dataset.room, starts: onDay(starts, zone.dataset.day), ends: onDay(ends, zone.dataset.day) };
  } else {
    place = destinationOfCell(zone, event.clientY);
  }
  onDragEnd();
  move(card, place);
}

// Mouse: a card's bottom edge changes its length, by steps

function onResizeStart(event) {
  const handle = event.target.closest(".program-resize");
  if (!handle || event.button !== 0) return;
  const card = handle.closest("[data-session]");
  const cell = card.closest("td");
  event.preventDefault();
  card.draggable = false;
  handle.setPointerCapture(event.pointerId);
  const { starts, ends } = cardTimes(card);
  const box = cell.getBoundingClientRect();
  resizing = {
    card,
    handle,
    startY: event.clientY,
    starts,
    ends,
    end: minutes(ends),
    perMinute: box.height / (Number(cell.dataset.slots) * STEP),
  };
}

function onResizeMove(event) {
  if (!resizing) return;
  const { card, startY, starts, ends, perMinute } = resizing;
  const steps = Math.round((event.clientY - startY) / perMinute / STEP);
  const end = Math.max(minutes(starts) + STEP, minutes(ends) + steps * STEP);
  if (end === resizing.end) return;
  resizing.end = end;
  card.classList.add("program-resizing");
  card.style.height = `${(end - minutes(starts)) * perMinute}px`;
  say(strings.length.replace("{title}", card.dataset.title).replace("{start}", clock(starts)).replace("{end}", clock(stamp(end))));
}

function onResizeEnd(event) {
  if (!resizing) return;
  const { card, starts, ends, end } = resizing;
  resizing = null;
  card.draggable = true;
  card.classList.remove("program-resizing");
  if (event.type === "pointercancel" || end === minutes(ends)) {
    layOut();
    say(strings.cancelled);
    return;
  }
  move(card, { room: card.dataset.room, starts, ends: stamp(end) });
}

// Keyboard: pick up, choose, put down

function keyboardPlace() {
  const { card, row, row0, column, day, length } = grabbed;
  const header = roomHeaders()[column];
  const start = minutes(card.dataset.starts) + (row - row0) * STEP;
  const starts = onDay(stamp(start), day);
  const ends = stamp(minutes(starts) + length);
  const tab = dayTabs().find((each) => each.dataset.day === day);
  const sameLength = length === minutes(card.dataset.ends) - minutes(card.dataset.starts);
  let label = `${header.textContent.trim()}, ${clock(starts)}${sameLength ? "" : `–${clock(ends)}`}`;
  if (day !== boardDay() && tab) label = `${tab.textContent.trim()}: ${label}`;
  return { room: header.dataset.room, starts, ends, label, tab };
}

function showTarget(before = "") {
  clearTarget();
  const place = keyboardPlace();
  if (grabbed.day !== boardDay()) {
    place.tab?.classList.add("program-target");
  } else {
    const cell = cellAt(grabbed.row, grabbed.column);
    cell?.classList.add("program-target");
    cell?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
  say(before ? `${before} ${place.label}` : place.label);
}

function startPosition(card) {
  const columns = roomHeaders();
  const column = Math.max(0, columns.findIndex((header) => header.dataset.room === card.dataset.room));
  const times = rows().map((row) => row.dataset.starts);
  const starts = onDay(card.dataset.starts, boardDay());
  let row = times.indexOf(starts);
  if (row < 0) row = Math.max(0, times.findLastIndex((each) => each <= starts));
  return { row, row0: row, column };
}

function pickUp(card) {
  if (!board()) return;
  const { starts, ends } = cardTimes(card);
  // A draft of another day (from the unscheduled drafts) is put on this board's day.
  grabbed = { card, ...startPosition(card), day: boardDay(), length: minutes(ends) - minutes(starts) };
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

function onClick(event) {
  if (event.target.closest(".program-undo")) {
    undo();
    return;
  }
  const offer = event.target.closest(".program-free-slot");
  if (offer) {
    const card = document.querySelector(`[data-board-area] [data-session="${offer.dataset.session}"]`);
    if (card) move(card, { room: offer.dataset.room, starts: offer.dataset.starts, ends: offer.dataset.ends });
    return;
  }
  const button = event.target.closest(".program-move");
  if (!button) return;
  const card = button.closest("[data-session]");
  if (grabbed && grabbed.card === card) {
    const { room, starts, ends } = keyboardPlace();
    putBack();
    move(card, { room, starts, ends }, { fromKeyboard: true });
  } else {
    if (grabbed) putBack();
    pickUp(card);
  }
}

const STEPS = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

function onKey(event) {
  const typing = event.target.closest?.("input, textarea, select, [contenteditable]");
  if ((event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey && event.key.toLowerCase() === "z" && !typing) {
    event.preventDefault();
    if (grabbed) putBack();
    undo();
    return;
  }
  if (!grabbed || !event.target.closest(".program-move")) return;
  if (event.key === "Escape") {
    event.preventDefault();
    putBack(strings.cancelled);
    return;
  }
  if (event.key === "PageUp" || event.key === "PageDown") {
    event.preventDefault();
    const days = dayTabs().map((tab) => tab.dataset.day);
    const index = days.indexOf(grabbed.day) + (event.key === "PageUp" ? -1 : 1);
    grabbed.day = days[Math.min(days.length - 1, Math.max(0, index))] ?? grabbed.day;
    showTarget();
    return;
  }
  const step = STEPS[event.key];
  if (!step) return;
  event.preventDefault();
  if (event.shiftKey && step[0]) {
    grabbed.length = Math.max(STEP, grabbed.length + step[0] * STEP);
  } else {
    grabbed.row = Math.min(rows().length - 1, Math.max(0, grabbed.row + step[0]));
    grabbed.column = Math.min(roomHeaders().length - 1, Math.max(0, grabbed.column + step[1]));
  }
  showTarget();
}

function onFocusOut(event) {
  if (grabbed && event.target.closest(".program-move") && !event.relatedTarget?.closest?.(".program-grabbed")) {
    putBack(strings.cancelled);
  }
}

// Cards fill their time span: each is placed in its cell (which spans the quarter hours of
// the sessions in it) from its start to its end, and sessions that overlap share the width.
function layOut() {
  const grid = board();
  if (!grid) return;
  grid.classList.add("program-laid-out");
  for (const cell of grid.querySelectorAll("td[data-row]")) {
    const cards = [...cell.querySelectorAll(":scope > .program-card")];
    if (!cards.length) continue;
    const opens = cellStart(cell);
    const span = Number(cell.dataset.slots) * STEP;
    const lanes = []; // the end of the last card in each lane
    const placed = cards.map((card) => {
      const starts = minutes(card.dataset.starts);
      const ends = minutes(card.dataset.ends);
      let lane = lanes.findIndex((end) => end <= starts);
      if (lane < 0) lane = lanes.push(ends) - 1;
      else lanes[lane] = ends;
      return { card, starts, ends, lane };
    });
    for (const { card, starts, ends, lane } of placed) {
      const top = Math.max(0, (starts - opens) / span);
      const height = Math.max(0.02, Math.min(1 - top, (ends - Math.max(starts, opens)) / span));
      card.style.top = `${top * 100}%`;
      card.style.height = `${height * 100}%`;
      card.style.left = `${(lane / lanes.length) * 100}%`;
      card.style.width = `${100 / lanes.length}%`;
    }
  }
}

// Each card this user may move gets its handle (and, on the grid, its bottom edge); the rest of
// the board is left as served.
function enhance() {
  for (const hint of document.querySelectorAll(".program-js-only")) hint.hidden = false;
  for (const card of area()?.querySelectorAll("[data-session]") ?? []) {
    card.draggable = true;
    const button = element("button", { type: "button", className: "button program-move" });
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-describedby", "program-board-keys");
    button.append(strings.move);
    button.append(element("span", { className: "visually-hidden", textContent: ` “${card.dataset.title}”` }));
    card.prepend(button);
    if (card.closest("[data-board]")) {
      // The keyboard changes a length with Shift and the arrows: the edge is for the mouse.
      const edge = element("span", { className: "program-resize", title: strings.resize.replace("{title}", card.dataset.title) });
      edge.setAttribute("aria-hidden", "true");
      card.append(edge);
    }
  }
  layOut();
}

if (area()) {
  enhance();
  const page = document.querySelector("#content-main");
  page.addEventListener("dragstart", onDragStart);
  page.addEventListener("dragend", onDragEnd);
  page.addEventListener("dragover", onDragOver);
  page.addEventListener("drop", onDrop);
  page.addEventListener("click", onClick);
  page.addEventListener("pointerdown", onResizeStart);
  page.addEventListener("pointermove", onResizeMove);
  page.addEventListener("pointerup", onResizeEnd);
  page.addEventListener("pointercancel", onResizeEnd);
  page.addEventListener("focusout", onFocusOut);
  document.addEventListener("keydown", onKey);
}
