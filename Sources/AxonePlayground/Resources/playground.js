// Axone Playground page: builds the controls from GET /api/catalogue, opens a session for this
// tab, sends the controls' settings to the server and draws the status it polls a few times a
// second. All training happens on the server; this file only talks HTTP and paints canvases.
// The page's address holds the settings (#dataset=xor&units=4&…), so a link reproduces a setup.
"use strict";

const CLASS0 = [245, 147, 34];   // orange, as --class0
const CLASS1 = [8, 119, 189];    // blue, as --class1
const WHITE = [255, 255, 255];
const POLL_PLAYING_MS = 200;
const POLL_PAUSED_MS = 1000;
const RANDOM_FILL_POINTS = 40;

const $ = (id) => document.getElementById(id);
let catalogue = null;
let session = null;      // {id, settings, data, status}: the last create/reset/points answer
let lastStatus = null;   // the last status drawn
let pending = 0;         // settings requests not yet answered (exposed for tests as data-pending)
let reopening = false;   // a new session is being opened after the old one timed out
let queue = Promise.resolve();
let cursor = null;       // the keyboard's cursor on the plot, [x, y] in data coordinates
let ownPointsOfAddress = [];   // the own points a link brought, sent when the first session opens

// --- HTTP ---------------------------------------------------------------------------------

/** Sends a request and returns the JSON answer; a 4xx/5xx answer throws its {"error"} message. */
async function api(method, path, body) {
  const options = { method };
  if (body !== undefined) {
    options.headers = { "Content-Type": "application/json" };
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const text = await response.text();
  const payload = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = new Error((payload && payload.error) || `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return payload;
}

/** Runs session commands one after another, in the order the user gave them. */
function enqueue(task) {
  pending += 1;
  document.body.dataset.pending = pending;
  const run = queue.then(task).catch(showError).finally(() => {
    pending -= 1;
    document.body.dataset.pending = pending;
  });
  queue = run;
  return run;
}

function showError(error) {
  const banner = $("error");
  banner.textContent = error.message || String(error);
  banner.hidden = false;
}

function clearError() { $("error").hidden = true; }

// --- Controls -----------------------------------------------------------------------------

const NUMBER_FIELDS = ["noise", "trainRatio", "points", "seed", "hiddenLayers", "units", "dropout",
                       "learningRate", "batchSize", "l1", "l2"];
const MENU_FIELDS = { dataset: "datasets", activation: "activations", loss: "losses", optimizer: "optimizers" };
const VIEW_FIELDS = ["discretize", "showTest"];

function buildControls() {
  for (const [field, menu] of Object.entries(MENU_FIELDS)) {
    const select = $(field);
    for (const choice of catalogue[menu]) select.add(new Option(choice.label, choice.value));
  }
  for (const [field, [low, high]] of Object.entries(catalogue.limits)) {
    $(field).min = low;
    $(field).max = high;
  }
  for (const feature of catalogue.features) {
    const label = document.createElement("label");
    label.className = "inline";
    label.innerHTML = `<input type="checkbox" id="feature-${feature.value}" value="${feature.value}"> ${feature.label}`;
    $("features").append(label);
    label.querySelector("input").addEventListener("change", () => enqueue(reset));
  }
  for (const preset of catalogue.presets) {
    const button = document.createElement("button");
    button.type = "button";
    button.id = `preset-${preset.value}`;
    button.textContent = preset.label;
    button.addEventListener("click", () => applyPreset(preset));
    $("presets").append(button);
  }
  $("downloads").replaceChildren(...catalogue.downloads.map((download) => {
    const link = document.createElement("a");
    link.id = `download-${download.value}`;
    link.download = download.label;
    link.textContent = download.label;
    return link;
  }));
  $("max-units").textContent = catalogue.maximumUnitsForNeurons;
  applySettings({ ...catalogue.defaults, ...settingsFromAddress() });
  $("dataset").addEventListener("change", () => {   // regressions take the mse loss (before the reset below)
    if (catalogue.regressionDatasets.includes($("dataset").value)) $("loss").value = "mse";
  });
  for (const field of [...NUMBER_FIELDS, ...Object.keys(MENU_FIELDS)]) {
    $(field).addEventListener("change", () => enqueue(reset));
  }
  for (const field of VIEW_FIELDS) $(field).addEventListener("change", () => { redraw(); writeAddress(); });
  $("play").addEventListener("click", () => enqueue(() => command("play")));
  $("pause").addEventListener("click", () => enqueue(() => command("pause")));
  $("step").addEventListener("click", () => enqueue(() => command("step")));
  $("reset").addEventListener("click", () => enqueue(reset));
  $("clear-points").addEventListener("click", () => editPoints(() => []));
  $("random-points").addEventListener("click", () => editPoints(randomPoints));
  $("error").addEventListener("click", clearError);
  listenToPlot($("boundary"));
}

/** Sets the controls to `settings` (fields left out keep their values). */
function applySettings(settings) {
  for (const field of [...NUMBER_FIELDS, ...Object.keys(MENU_FIELDS)]) {
    if (settings[field] !== undefined) $(field).value = settings[field];
  }
  if (settings.features) {
    for (const feature of catalogue.features) $(`feature-${feature.value}`).checked = settings.features.includes(feature.value);
  }
  for (const field of VIEW_FIELDS) if (settings[field] !== undefined) $(field).checked = settings[field];
  ownPointsOfAddress = settings.ownPoints || [];
}

/** The controls as settings; a number field that does not parse is sent as typed, so the server explains. */
function readSettings() {
  const settings = {};
  for (const field of Object.keys(MENU_FIELDS)) settings[field] = $(field).value;
  for (const field of NUMBER_FIELDS) {
    const text = $(field).value.trim();
    settings[field] = text !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
  }
  settings.features = catalogue.features.map((f) => f.value).filter((value) => $(`feature-${value}`).checked);
  if (settings.dataset === "own") settings.ownPoints = session ? session.settings.ownPoints : ownPointsOfAddress;
  return settings;
}

/** A preset sets its network; it sets its data too unless the points are the reader's own. */
function applyPreset(preset) {
  const settings = { ...preset.settings };
  if ($("dataset").value === "own") {
    for (const key of ["noise", "points", "trainRatio"]) delete settings[key];
  } else {
    settings.dataset = preset.dataset;
  }
  settings.features = preset.features;
  applySettings({ ...settings, ownPoints: readSettings().ownPoints });
  enqueue(reset);
}

// --- The address --------------------------------------------------------------------------

/** The settings and view options the address's fragment holds (none when it holds nothing). */
function settingsFromAddress() {
  const parameters = new URLSearchParams(location.hash.slice(1));
  const settings = {};
  for (const [key, value] of parameters) {
    if (key === "features") settings.features = value ? value.split(",") : [];
    else if (key === "ownPoints") settings.ownPoints = value ? value.split(";").map((p) => p.split(",").map(Number)) : [];
    else if (VIEW_FIELDS.includes(key)) settings[key] = value === "1";
    else settings[key] = value;
  }
  return settings;
}

/** Writes the session's settings and the view options into the address (no new history entry). */
function writeAddress() {
  if (!session) return;
  const parameters = new URLSearchParams();
  for (const [key, value] of Object.entries(session.settings)) {
    if (key === "ownPoints") {
      if (session.settings.dataset === "own") parameters.set(key, value.map((p) => p.map((v) => +v.toFixed(3)).join(",")).join(";"));
    } else {
      parameters.set(key, Array.isArray(value) ? value.join(",") : value);
    }
  }
  for (const field of VIEW_FIELDS) parameters.set(field, $(field).checked ? "1" : "0");
  history.replaceState(null, "", `#${parameters}`);
}

// --- Session ------------------------------------------------------------------------------

async function openSession() {
  const shown = readSettings();
  adopt(await api("POST", "/api/sessions", shown), shown);
}

async function reset() {
  if (!session) return openSession();
  const shown = readSettings();
  adopt(await api("POST", `/api/sessions/${session.id}/reset`, shown), shown);
}

async function command(name) {
  if (!session) return;
  render(await api("POST", `/api/sessions/${session.id}/${name}`));
}

/**
 * Takes a create/reset/points answer as the current session and draws it. `shown` is what the
 * controls held when the request was sent (`readSettings()`): the controls show the answer's
 * settings, except those the reader has changed since, which keep the reader's value (a change
 * still being typed, or one queued; its own request follows).
 */
function adopt(description, shown) {
  const now = readSettings();
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  applySettings(Object.fromEntries(Object.entries(description.settings).filter(([key]) => !(key in now) || same(now[key], shown[key]))));
  session = description;
  clearError();
  $("session").textContent = description.id.slice(0, 8);
  document.body.dataset.session = description.id;
  for (const download of catalogue.downloads) {
    $(`download-${download.value}`).href = `/api/sessions/${description.id}/download/${download.value}`;
  }
  const regression = description.data.regression;
  $("legend0").textContent = regression ? "−1" : "class 0";
  $("legend1").textContent = regression ? "+1" : "class 1";
  writeAddress();
  lastStatus = null;
  render(description.status);
}

// --- Own points ---------------------------------------------------------------------------

/** The points as the reader edits them: the own points, or the generated set's (training first). */
function currentPoints() {
  if (session.settings.dataset === "own") return session.settings.ownPoints.map((p) => [...p]);
  return [...session.data.train, ...session.data.test].map(([x, y, c]) => [x, y, c]);
}

/** Sends the points `edit(points)` returns as the session's own data; training goes on. */
function editPoints(edit) {
  return enqueue(async () => {
    if (!session) return;
    if (session.data.regression) throw new Error("points have classes: choose a classification data set to add or remove points");
    const points = edit(currentPoints()), shown = readSettings();
    adopt(await api("POST", `/api/sessions/${session.id}/points`, { points }), shown);
  });
}

function randomPoints() {
  const { xMin, xMax, yMin, yMax } = session.data.domain;
  return Array.from({ length: RANDOM_FILL_POINTS }, () => [
    +(xMin + Math.random() * (xMax - xMin)).toFixed(3), +(yMin + Math.random() * (yMax - yMin)).toFixed(3),
    Math.random() < 0.5 ? 0 : 1]);
}

function chosenClass() { return $("class1").checked ? 1 : 0; }

function addPoint([x, y], pointClass) {
  editPoints((points) => [...points, [+x.toFixed(3), +y.toFixed(3), pointClass]]);
}

function removeNearest([x, y]) {
  editPoints((points) => {
    if (!points.length) return points;
    let nearest = 0;
    points.forEach(([px, py], i) => {
      const [nx, ny] = points[nearest];
      if ((px - x) ** 2 + (py - y) ** 2 < (nx - x) ** 2 + (ny - y) ** 2) nearest = i;
    });
    return points.filter((_, i) => i !== nearest);
  });
}

/** Mouse and keyboard on the plot: add points of either class, remove the nearest. */
function listenToPlot(canvas) {
  const dataAt = (event) => {
    const box = canvas.getBoundingClientRect();
    const { xMin, xMax, yMin, yMax } = session.data.domain;
    return [xMin + (event.clientX - box.left) / box.width * (xMax - xMin), yMax - (event.clientY - box.top) / box.height * (yMax - yMin)];
  };
  canvas.addEventListener("click", (event) => {
    if (!session) return;
    if (event.altKey) removeNearest(dataAt(event));
    else addPoint(dataAt(event), event.shiftKey ? 1 : chosenClass());
  });
  canvas.addEventListener("contextmenu", (event) => {
    event.preventDefault();
    if (session) removeNearest(dataAt(event));
  });
  canvas.addEventListener("keydown", (event) => {
    if (!session) return;
    const { xMin, xMax, yMin, yMax } = session.data.domain;
    const step = (xMax - xMin) / 20;
    cursor = cursor || [(xMin + xMax) / 2, (yMin + yMax) / 2];
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (moves[event.key]) {
      cursor = [Math.min(Math.max(cursor[0] + moves[event.key][0], xMin), xMax),
                Math.min(Math.max(cursor[1] + moves[event.key][1], yMin), yMax)];
      redraw();
    } else if (event.key === "Enter") {
      addPoint(cursor, event.shiftKey ? 1 : chosenClass());
    } else if (event.key === "Delete" || event.key === "Backspace") {
      removeNearest(cursor);
    } else {
      return;
    }
    event.preventDefault();
  });
  canvas.addEventListener("blur", () => { cursor = null; redraw(); });
}

async function poll() {
  let delay = POLL_PAUSED_MS;
  try {
    if (session) {
      const status = await api("GET", `/api/sessions/${session.id}/status`);
      render(status);
      if (status.playing) delay = POLL_PLAYING_MS;
    }
  } catch (error) {
    if (error.status !== 404) showError(error);
    else if (!reopening) {   // timed out (e.g. a long-hidden tab): start afresh with the same settings
      reopening = true;
      enqueue(openSession).finally(() => { reopening = false; });
    }
  }
  setTimeout(poll, delay);
}

// --- Drawing ------------------------------------------------------------------------------

function render(status) {
  if (!session || status.id !== session.id || status.generation !== session.status.generation) return;
  lastStatus = status;
  $("epoch").textContent = status.epoch;
  $("train-loss").textContent = formatNumber(status.trainLoss);
  $("test-loss").textContent = formatNumber(status.testLoss);
  $("test-accuracy").textContent = status.testAccuracy == null ? "–" : `${(100 * status.testAccuracy).toFixed(1)} %`;
  $("play").disabled = status.playing;
  $("pause").disabled = !status.playing;
  if (status.error) showError(new Error(status.error));
  redraw();
}

/** Draws the last status again (after a view option or the keyboard cursor changed). */
function redraw() {
  if (!lastStatus) return;
  drawBoundary(lastStatus);
  drawCurves(lastStatus.curves);
  drawNeurons(lastStatus);
  drawNetwork(lastStatus);
  drawHiddenSpace(lastStatus);
}

function formatNumber(value) {
  if (value == null) return "–";
  return value === 0 || value >= 0.001 ? value.toFixed(4) : value.toExponential(2);
}

/** Colour for t in [0, 1]: class 0 orange, through white at 0.5, to class 1 blue. */
function colour(t) {
  const [from, to, u] = t < 0.5 ? [CLASS0, WHITE, 2 * t] : [WHITE, CLASS1, 2 * t - 1];
  return from.map((c, i) => Math.round(c + (to[i] - c) * u));
}

/** Paints a size×size grid of values (rows from the top) onto a canvas's `box`, smoothed. */
function paintGrid(canvas, values, size, toUnit, box = [0, 0, canvas.width, canvas.height]) {
  const cells = document.createElement("canvas");
  cells.width = cells.height = size;
  const cellContext = cells.getContext("2d");
  const image = cellContext.createImageData(size, size);
  values.forEach((value, i) => {
    const [r, g, b] = colour(toUnit(value));
    image.data.set([r, g, b, 255], 4 * i);
  });
  cellContext.putImageData(image, 0, 0);
  const context = canvas.getContext("2d");
  context.imageSmoothingEnabled = true;
  context.drawImage(cells, ...box);
  return context;
}

/** The colour of a point's target: its class, or its value in [−1, 1] for a regression. */
function pointColour(target) {
  return session.data.regression ? colour((target + 1) / 2) : (target === 1 ? CLASS1 : CLASS0);
}

function drawBoundary(status) {
  const canvas = $("boundary");
  const discretize = $("discretize").checked;
  const toUnit = discretize ? (p) => (p >= 127.5 ? 0.85 : 0.15) : (p) => 0.15 + 0.7 * p / 255;
  const context = paintGrid(canvas, status.boundary, status.boundarySize, toUnit);
  const { xMin, xMax, yMin, yMax } = session.data.domain;
  const at = (x, y) => [(x - xMin) / (xMax - xMin) * canvas.width, (yMax - y) / (yMax - yMin) * canvas.height];
  const point = ([x, y, target], test) => {
    context.beginPath();
    context.arc(...at(x, y), 3.5, 0, 2 * Math.PI);
    context.fillStyle = `rgb(${pointColour(target)})`;
    context.fill();
    context.lineWidth = test ? 1.5 : 1;
    context.strokeStyle = test ? "#111" : "#fff";
    context.stroke();
  };
  session.data.train.forEach((p) => point(p, false));
  const showTest = $("showTest").checked;
  if (showTest) session.data.test.forEach((p) => point(p, true));
  if (cursor) {
    const [cx, cy] = at(...cursor);
    context.strokeStyle = "#000";
    context.lineWidth = 1;
    context.strokeRect(cx - 6, cy - 6, 12, 12);
  }
  canvas.dataset.epoch = status.epoch;
  canvas.dataset.points = session.data.train.length + (showTest ? session.data.test.length : 0);
  canvas.dataset.discretized = discretize;
}

function drawCurves(curves) {
  const canvas = $("curves");
  const context = canvas.getContext("2d");
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  const finite = [...curves.train, ...curves.test].filter((v) => v != null);
  const lastEpoch = curves.epochs.length ? curves.epochs[curves.epochs.length - 1] : 0;
  if (!finite.length || lastEpoch === 0) return;
  const top = Math.max(...finite) * 1.05 || 1;
  const line = (values, stroke) => {
    context.beginPath();
    let drawing = false;
    values.forEach((v, i) => {
      if (v == null) return;
      const x = 4 + curves.epochs[i] / lastEpoch * (width - 8);
      const y = height - 4 - v / top * (height - 18);
      drawing ? context.lineTo(x, y) : context.moveTo(x, y);
      drawing = true;
    });
    context.strokeStyle = stroke;
    context.lineWidth = 2;
    context.stroke();
  };
  line(curves.train, "#555");
  line(curves.test, "#d6336c");
  context.fillStyle = "#666";
  context.font = "11px system-ui, sans-serif";
  context.fillText(`loss ≤ ${top.toFixed(3)} · epoch ${lastEpoch}`, 6, 12);
}

function drawNeurons(status) {
  const container = $("neurons");
  const shape = status.neurons.map((layer) => layer.length).join(",");
  if (container.dataset.shape !== shape) {
    container.replaceChildren(...status.neurons.map((layer, l) => {
      const column = document.createElement("div");
      column.className = "layer";
      column.innerHTML = `<h3>Layer ${l + 1}</h3>`;
      layer.forEach(() => {
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = 60;
        column.append(canvas);
      });
      return column;
    }));
    container.dataset.shape = shape;
    $("neurons-note").textContent = status.neurons.length
      ? "Each map is one unit's activation over the plane (orange negative, blue positive, scaled per unit)."
      : `Per-unit maps are drawn for networks with 1 to ${catalogue.maximumUnitsForNeurons} units per hidden layer.`;
  }
  status.neurons.forEach((layer, l) => {
    const canvases = container.children[l].querySelectorAll("canvas");
    layer.forEach((values, u) => paintGrid(canvases[u], values, status.neuronSize, (a) => 0.5 + a / 254));
  });
}

/** The network diagram: a column of nodes per layer (inputs, hidden layers, output), a line per weight. */
function drawNetwork(status) {
  const canvas = $("network");
  const context = canvas.getContext("2d");
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  const layers = status.weights;
  if (!layers.length) return;
  const sizes = [layers[0].inputs, ...layers.map((layer) => layer.units)];
  const node = Math.min(28, (height - 20) / Math.max(...sizes) - 4);
  const centre = (column, index) => {
    const x = 20 + node / 2 + column * (width - 40 - node) / (sizes.length - 1);
    const gap = (height - 20) / sizes[column];
    return [x, 10 + gap * (index + 0.5)];
  };
  const largest = Math.max(1e-6, ...layers.flatMap((layer) => layer.weight.map(Math.abs)));
  layers.forEach((layer, l) => {
    layer.weight.forEach((w, k) => {
      const [i, j] = [Math.floor(k / layer.units), k % layer.units];
      const [x0, y0] = centre(l, i), [x1, y1] = centre(l + 1, j);
      context.beginPath();
      context.moveTo(x0, y0);
      context.lineTo(x1, y1);
      context.strokeStyle = `rgba(${w >= 0 ? CLASS1 : CLASS0}, 0.8)`;
      context.lineWidth = 0.3 + 4 * Math.abs(w) / largest;
      context.stroke();
    });
  });
  const maps = $("neurons");
  sizes.forEach((size, column) => {
    for (let index = 0; index < size; index++) {
      const [x, y] = centre(column, index);
      const box = [x - node / 2, y - node / 2, node, node];
      const map = column === 0 ? null : maps.children[column - 1]?.querySelectorAll("canvas")[index];
      if (column === 0) paintGrid(canvas, featureMap(session.settings.features[index]), FEATURE_MAP_SIZE, (v) => v, box);
      else if (column === sizes.length - 1) context.drawImage($("boundary"), ...box);
      else if (map) context.drawImage(map, ...box);
      else { context.fillStyle = "#eee"; context.fillRect(...box); }
      context.strokeStyle = "#888";
      context.lineWidth = 1;
      context.strokeRect(...box);
    }
  });
  context.fillStyle = "#444";
  context.font = "10px system-ui, sans-serif";
  session.settings.features.forEach((feature, index) => {
    const [x, y] = centre(0, index);
    context.fillText(catalogue.features.find((f) => f.value === feature).label, x - node / 2 - 18, y + 3);
  });
  canvas.dataset.lines = layers.reduce((sum, layer) => sum + layer.weight.length, 0);
}

const FEATURE_MAP_SIZE = 20;
/** An input feature's value over the plot, scaled to [0, 1] by its largest magnitude there. */
function featureMap(feature) {
  const { xMin, xMax, yMin, yMax } = session.data.domain;
  const f = { x1: (a) => a, x2: (a, b) => b, x1sq: (a) => a * a, x2sq: (a, b) => b * b, x1x2: (a, b) => a * b,
              sinx1: (a) => Math.sin(a), sinx2: (a, b) => Math.sin(b) }[feature];
  const values = [];
  for (let row = 0; row < FEATURE_MAP_SIZE; row++) {
    for (let column = 0; column < FEATURE_MAP_SIZE; column++) {
      values.push(f(xMin + (column + 0.5) / FEATURE_MAP_SIZE * (xMax - xMin), yMax - (row + 0.5) / FEATURE_MAP_SIZE * (yMax - yMin)));
    }
  }
  const largest = Math.max(1e-6, ...values.map(Math.abs));
  return values.map((v) => 0.5 + 0.5 * v / largest);
}

/** ConvNetJS's view: the grid and the points as the first two-unit hidden layer maps them. */
function drawHiddenSpace(status) {
  const view = status.hiddenSpace;
  $("hidden-space-panel").hidden = !view;
  if (!view) return;
  const canvas = $("hidden-space");
  const context = canvas.getContext("2d");
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  const all = [...view.grid, ...view.points];
  const xs = all.map((p) => p[0]), ys = all.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const at = ([x, y]) => [8 + (x - x0) / (x1 - x0 || 1) * (width - 16), height - 8 - (y - y0) / (y1 - y0 || 1) * (height - 16)];
  const n = view.gridSize;
  context.strokeStyle = "#bbb";
  context.lineWidth = 1;
  for (let i = 0; i < n; i++) {
    for (const line of [[...Array(n).keys()].map((j) => view.grid[i * n + j]), [...Array(n).keys()].map((j) => view.grid[j * n + i])]) {
      context.beginPath();
      line.forEach((p, k) => (k ? context.lineTo(...at(p)) : context.moveTo(...at(p))));
      context.stroke();
    }
  }
  const targets = [...session.data.train, ...session.data.test].map((p) => p[2]);
  view.points.forEach((p, i) => {
    context.beginPath();
    context.arc(...at(p), 3, 0, 2 * Math.PI);
    context.fillStyle = `rgb(${pointColour(targets[i])})`;
    context.fill();
  });
  $("hidden-space-note").textContent =
    `Hidden layer ${view.layer + 1} has two units: its plane, with the data and the input plane's grid as it maps them.`;
  canvas.dataset.points = view.points.length;
}

// --- Start --------------------------------------------------------------------------------

async function start() {
  try {
    catalogue = await api("GET", "/api/catalogue");
    buildControls();
    await enqueue(openSession);
  } catch (error) {
    showError(error);
  }
  window.addEventListener("pagehide", () => {
    if (session) navigator.sendBeacon(`/api/sessions/${session.id}/close`);
  });
  poll();
}

start();
