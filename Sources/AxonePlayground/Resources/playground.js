// Axone Playground page: builds the controls from GET /api/catalogue, opens a session for this
// tab, sends the controls' settings to the server and draws the status it polls a few times a
// second. All training happens on the server; this file only talks HTTP and paints canvases.
"use strict";

const CLASS0 = [245, 147, 34];   // orange, as --class0
const CLASS1 = [8, 119, 189];    // blue, as --class1
const WHITE = [255, 255, 255];
const POLL_PLAYING_MS = 200;
const POLL_PAUSED_MS = 1000;

const $ = (id) => document.getElementById(id);
let catalogue = null;
let session = null;      // {id, settings, data, status}: the last create/reset answer
let pending = 0;         // settings requests not yet answered (exposed for tests as data-pending)
let reopening = false;   // a new session is being opened after the old one timed out
let queue = Promise.resolve();

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
                       "learningRate", "batchSize", "l2"];
const MENU_FIELDS = { dataset: "datasets", activation: "activations", loss: "losses", optimizer: "optimizers" };

function buildControls() {
  for (const [field, menu] of Object.entries(MENU_FIELDS)) {
    const select = $(field);
    for (const choice of catalogue[menu]) select.add(new Option(choice.label, choice.value));
  }
  for (const [field, [low, high]] of Object.entries(catalogue.limits)) {
    $(field).min = low;
    $(field).max = high;
  }
  for (const field of [...NUMBER_FIELDS, ...Object.keys(MENU_FIELDS)]) {
    $(field).value = catalogue.defaults[field];
    $(field).addEventListener("change", () => enqueue(reset));
  }
  $("play").addEventListener("click", () => enqueue(() => command("play")));
  $("pause").addEventListener("click", () => enqueue(() => command("pause")));
  $("step").addEventListener("click", () => enqueue(() => command("step")));
  $("reset").addEventListener("click", () => enqueue(reset));
  $("error").addEventListener("click", clearError);
}

/** The controls as settings; a number field that does not parse is sent as typed, so the server explains. */
function readSettings() {
  const settings = {};
  for (const field of Object.keys(MENU_FIELDS)) settings[field] = $(field).value;
  for (const field of NUMBER_FIELDS) {
    const text = $(field).value.trim();
    settings[field] = text !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
  }
  return settings;
}

// --- Session ------------------------------------------------------------------------------

async function openSession() {
  adopt(await api("POST", "/api/sessions", readSettings()));
}

async function reset() {
  if (!session) return openSession();
  adopt(await api("POST", `/api/sessions/${session.id}/reset`, readSettings()));
}

async function command(name) {
  if (!session) return;
  render(await api("POST", `/api/sessions/${session.id}/${name}`));
}

/** Takes a create/reset answer as the current session and draws it. */
function adopt(description) {
  session = description;
  clearError();
  $("session").textContent = description.id.slice(0, 8);
  document.body.dataset.session = description.id;
  render(description.status);
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
  $("epoch").textContent = status.epoch;
  $("train-loss").textContent = formatNumber(status.trainLoss);
  $("test-loss").textContent = formatNumber(status.testLoss);
  $("test-accuracy").textContent = status.testAccuracy == null ? "–" : `${(100 * status.testAccuracy).toFixed(1)} %`;
  $("play").disabled = status.playing;
  $("pause").disabled = !status.playing;
  if (status.error) showError(new Error(status.error));
  drawBoundary(status);
  drawCurves(status.curves);
  drawNeurons(status);
}

function formatNumber(value) {
  if (value == null) return "NaN";
  return value === 0 || value >= 0.001 ? value.toFixed(4) : value.toExponential(2);
}

/** Colour for t in [0, 1]: class 0 orange, through white at 0.5, to class 1 blue. */
function colour(t) {
  const [from, to, u] = t < 0.5 ? [CLASS0, WHITE, 2 * t] : [WHITE, CLASS1, 2 * t - 1];
  return from.map((c, i) => Math.round(c + (to[i] - c) * u));
}

/** Paints a size×size grid of values in [0, 1] (rows from the top) onto a canvas, smoothed. */
function paintGrid(canvas, values, size, toUnit) {
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
  context.drawImage(cells, 0, 0, canvas.width, canvas.height);
  return context;
}

function drawBoundary(status) {
  const canvas = $("boundary");
  const context = paintGrid(canvas, status.boundary, status.boundarySize, (p) => 0.15 + 0.7 * p / 255);
  const { xMin, xMax, yMin, yMax } = session.data.domain;
  const point = ([x, y, label], test) => {
    context.beginPath();
    context.arc((x - xMin) / (xMax - xMin) * canvas.width, (yMax - y) / (yMax - yMin) * canvas.height, 3.5, 0, 2 * Math.PI);
    context.fillStyle = `rgb(${label === 1 ? CLASS1 : CLASS0})`;
    context.fill();
    context.lineWidth = test ? 1.5 : 1;
    context.strokeStyle = test ? "#111" : "#fff";
    context.stroke();
  };
  session.data.train.forEach((p) => point(p, false));
  session.data.test.forEach((p) => point(p, true));
  canvas.dataset.epoch = status.epoch;
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
    values.forEach((v, i) => {
      if (v == null) return;
      const x = 4 + curves.epochs[i] / lastEpoch * (width - 8);
      const y = height - 4 - v / top * (height - 18);
      i === 0 ? context.moveTo(x, y) : context.lineTo(x, y);
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
