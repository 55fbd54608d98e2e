// Schedule filters: with JavaScript, results update in place and the URL keeps the state;
// without it, the same form submits normally and the day tabs are plain links.
const form = document.querySelector("[data-schedule-filters]");
const status = document.querySelector("[data-schedule-status]");

function resultsElement() {
  return document.querySelector("[data-schedule-results]");
}

function urlFromForm() {
  const url = new URL(form.action || location.href);
  url.search = "";
  for (const [name, value] of new FormData(form)) {
    if (value) url.searchParams.set(name, value);
  }
  return url;
}

function announce() {
  const count = resultsElement().querySelectorAll(".session-card").length;
  status.textContent = count === 1 ? status.dataset.one : status.dataset.many.replace("{count}", count);
}

async function show(url) {
  const fragmentUrl = new URL(url);
  fragmentUrl.searchParams.set("fragment", "results");
  let response;
  try {
    response = await fetch(fragmentUrl, { headers: { Accept: "text/html" } });
  } catch {
    location.assign(url);
    return;
  }
  if (!response.ok && response.status !== 400) {
    location.assign(url);
    return;
  }
  const holder = document.createElement("div");
  holder.innerHTML = await response.text();
  const fresh = holder.querySelector("[data-schedule-results]");
  resultsElement().replaceWith(fresh);
  history.replaceState(null, "", url);
  fresh.dispatchEvent(new CustomEvent("niic:content", { bubbles: true }));
  announce();
}

if (form) {
  // Phones see the schedule first and open the filters on demand; wide screens show them.
  const panel = form.querySelector("[data-filters-panel]");
  if (panel && window.matchMedia("(min-width: 64rem)").matches) panel.open = true;

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show(urlFromForm());
  });
  form.addEventListener("change", () => show(urlFromForm()));
  document.addEventListener("click", (event) => {
    const tab = event.target.closest(".day-tabs a");
    if (!tab) return;
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
