// The session form, made quicker with JavaScript; without it the form works as served.
// - Topics: only the chosen track's are shown, as soon as the track is chosen (the server
//   refuses another track's topics anyway, in the rules' words).
// - The panel: rows are put in order by dragging their handle or with their arrow buttons;
//   their order numbers are then written from the rows' order, so nobody types them.

const strings = document.querySelector("[data-session-form-strings]")?.dataset ?? {};
const statusBox = document.querySelector("[data-session-form-status]");

// Topics

const track = document.querySelector("#id_track");
const topics = document.querySelector("#id_topics");

function showTopicsOf(trackId) {
  let note = topics.querySelector(".program-topics-note");
  if (!note) {
    note = Object.assign(document.createElement("p"), { className: "help program-topics-note" });
    topics.prepend(note);
  }
  for (const box of topics.querySelectorAll("input[data-track]")) {
    // A ticked topic of another track stays in sight, so that its refusal can be understood.
    box.closest("div").hidden = box.dataset.track !== trackId && !box.checked;
  }
  for (const group of topics.querySelectorAll(":scope > div")) {
    const options = [...group.querySelectorAll(":scope > div")];
    if (options.length) group.hidden = options.every((option) => option.hidden);
  }
  note.textContent = trackId ? "" : strings.noTrack;
  note.hidden = Boolean(trackId);
}

if (track && topics) {
  showTopicsOf(track.value);
  track.addEventListener("change", () => showTopicsOf(track.value));
}

// The panel's order

const panel = document.querySelector("#panel-group");

function panelRows() {
  return [...panel.querySelectorAll("tbody tr.form-row:not(.empty-form)")];
}

function hasSpeaker(row) {
  return Boolean(row.querySelector("td.field-speaker select")?.value);
}

function isDeleted(row) {
  return Boolean(row.querySelector("td.delete input[type=checkbox]")?.checked);
}

// Each row with a speaker gets its position as its order: 1, 2, 3…
function numberRows() {
  let position = 0;
  for (const row of panelRows()) {
    const order = row.querySelector("td.field-order input");
    if (order && hasSpeaker(row) && !isDeleted(row)) order.value = String(++position);
  }
}

function announce(row) {
  const position = panelRows().indexOf(row) + 1;
  statusBox.textContent = strings.moved.replace("{position}", position);
}

function moveRow(row, step) {
  const rows = panelRows();
  const index = rows.indexOf(row);
  const other = rows[index + step];
  if (!other) return false;
  if (step < 0) other.before(row);
  else other.after(row);
  numberRows();
  nameRowFields();
  announce(row);
  return true;
}

function button(text, label, className) {
  const element = Object.assign(document.createElement("button"), { type: "button", className });
  const shown = Object.assign(document.createElement("span"), { textContent: text });
  shown.setAttribute("aria-hidden", "true");
  element.append(shown, Object.assign(document.createElement("span"), { className: "visually-hidden", textContent: label }));
  return element;
}

let draggedRow = null;

function equip(row) {
  const cell = row.querySelector("td.field-order");
  const input = cell?.querySelector("input");
  if (!input || cell.querySelector(".program-row-tools")) return;
  // The number is written from the rows' order; the person only moves rows.
  input.type = "hidden";
  const tools = Object.assign(document.createElement("span"), { className: "program-row-tools" });
  const handle = Object.assign(document.createElement("span"), { className: "program-drag-handle", textContent: "⠿", title: strings.drag });
  handle.setAttribute("aria-hidden", "true");
  handle.addEventListener("mousedown", () => {
    row.draggable = true;
  });
  tools.append(handle, button("↑", strings.up, "program-row-up"), button("↓", strings.down, "program-row-down"));
  cell.append(tools);
}

// Each box of a row says its column and its row (a tabular inline labels only its columns;
// the autocomplete's own box has no name at all while empty), and the column of hidden fields
// says what it holds.
function nameRowFields() {
  const columns = {};
  for (const header of panel.querySelectorAll("thead th[class*='column-']")) {
    const name = [...header.classList].find((each) => each.startsWith("column-")).slice(7);
    columns[name] = header.textContent.trim();
  }
  panelRows().forEach((row, index) => {
    for (const cell of row.querySelectorAll("td[class*='field-']")) {
      const name = [...cell.classList].find((each) => each.startsWith("field-")).slice(6);
      if (!columns[name]) continue;
      const label = strings.rowField.replace("{field}", columns[name]).replace("{number}", index + 1);
      for (const box of cell.querySelectorAll("select, input:not([type=hidden]), .select2-selection, .select2-selection__rendered")) {
        box.setAttribute("aria-label", label);
      }
    }
  });
  const corner = panel.querySelector("thead th.original");
  if (corner && !corner.textContent.trim()) {
    corner.append(Object.assign(document.createElement("span"), { className: "visually-hidden", textContent: strings.seat }));
  }
}

if (panel) {
  panel.classList.add("program-ordered-panel");
  // The autocomplete boxes are drawn once the page has loaded, and on each added row.
  window.addEventListener("load", () => setTimeout(nameRowFields));
  for (const row of panelRows()) equip(row);
  document.addEventListener("formset:added", (event) => {
    if (event.detail?.formsetName !== "panel") return;
    equip(event.target);
    setTimeout(nameRowFields);
  });
  panel.addEventListener("click", (event) => {
    const up = event.target.closest(".program-row-up");
    const down = event.target.closest(".program-row-down");
    if (!up && !down) return;
    const row = event.target.closest("tr");
    if (moveRow(row, up ? -1 : 1)) (up ?? down).focus();
  });
  panel.addEventListener("dragstart", (event) => {
    draggedRow = event.target.closest?.("tr.form-row");
    if (!draggedRow) return;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", draggedRow.id);
    draggedRow.classList.add("program-dragging");
  });
  panel.addEventListener("dragover", (event) => {
    const over = event.target.closest("tr.form-row:not(.empty-form)");
    if (!draggedRow || !over || over === draggedRow) return;
    event.preventDefault();
    const box = over.getBoundingClientRect();
    if (event.clientY < box.top + box.height / 2) over.before(draggedRow);
    else over.after(draggedRow);
  });
  panel.addEventListener("dragend", () => {
    if (!draggedRow) return;
    draggedRow.classList.remove("program-dragging");
    draggedRow.draggable = false;
    numberRows();
    nameRowFields();
    announce(draggedRow);
    draggedRow = null;
  });
  panel.closest("form").addEventListener("submit", numberRows);
}
