// LIC viewer: plain JavaScript over the REST gateway (/v1/...), nothing loaded from elsewhere.
'use strict';

const $ = (id) => document.getElementById(id);
const TASKS = ['detection', 'segmentation'];
const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#46f0f0', '#f032e6', '#bcf60c',
  '#fabebe', '#008080', '#e6beff', '#9a6324', '#fffac8', '#800000', '#aaffc3', '#808000', '#ffd8b1',
  '#000075', '#808080', '#ffe119'];

const state = { codecs: null, adaptors: [], urls: [], segmentation: null };

class ApiError extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

/** fetch that turns every failure into an ApiError with the server's {"error", "message"} when it sent one. */
async function api(path, options) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (e) {
    throw new ApiError('UNAVAILABLE', 'the server cannot be reached (' + e.message + ')');
  }
  if (!response.ok) {
    let body = null;
    try {
      body = await response.json();
    } catch (ignored) {
      // not JSON: the status line says it
    }
    throw new ApiError(body && body.error ? body.error : 'HTTP ' + response.status,
      body && body.message ? body.message : response.statusText);
  }
  return response;
}

function showError(e) {
  const box = $('error');
  box.textContent = (e.kind ? e.kind + ': ' : '') + e.message;
  box.hidden = false;
}

function clearError() {
  $('error').hidden = true;
  $('error').textContent = '';
}

function objectUrl(blob) {
  const url = URL.createObjectURL(blob);
  state.urls.push(url);
  return url;
}

function loaded(img, url) {
  return new Promise((resolve, reject) => {
    img.onload = () => resolve(img);
    img.onerror = () => reject(new ApiError('INVALID_IMAGE', 'the browser cannot show ' + img.alt));
    img.src = url;
  });
}

function formatBytes(n) {
  const text = n.toLocaleString('en-US') + ' bytes';
  return n < 1024 ? text : text + ' (' + (n / 1024).toFixed(1) + ' KiB)';
}

function shortId(id) {
  return id.length > 12 ? id.slice(0, 12) + '…' : id;
}

function taskOf(adaptor) {
  const active = adaptor.versions.find((v) => v.version === adaptor.activeVersion);
  return active ? active.task : (adaptor.versions[0] || {}).task || '';
}

// ------------------------------------------------------------------ listings

async function loadCodecs() {
  const codecs = await (await api('/v1/codecs')).json();
  state.codecs = codecs;
  const codec = codecs.codecs.find((c) => c.codecId === codecs.defaultCodecId);
  const select = $('rate');
  select.innerHTML = '';
  for (const r of codec.rates) {
    const option = document.createElement('option');
    option.value = r.index;
    option.textContent = 'rate ' + r.index
      + (r.kodakBpp != null ? ' — ~' + r.kodakBpp.toFixed(2) + ' bpp' : '')
      + (r.kodakPsnr != null ? ', ' + r.kodakPsnr.toFixed(1) + ' dB on Kodak' : '');
    option.selected = r.index === codec.defaultRate;
    select.append(option);
  }
  select.disabled = false;
  $('encode').disabled = false;
}

async function loadAdaptors() {
  state.adaptors = (await (await api('/v1/adaptors')).json()).adaptors;
  const body = $('adaptors').tBodies[0];
  body.innerHTML = '';
  if (state.adaptors.length === 0) {
    body.insertRow().insertCell().textContent = 'no adaptors are registered';
  }
  for (const a of state.adaptors) {
    const row = body.insertRow();
    row.dataset.name = a.name;
    const codec = row.insertCell();
    codec.className = 'codec';
    codec.title = a.codecId;
    codec.textContent = shortId(a.codecId) + (state.codecs && a.codecId === state.codecs.defaultCodecId ? ' (default)' : '');
    row.insertCell().textContent = a.name;
    row.insertCell().textContent = taskOf(a);
    row.insertCell().textContent = a.activeVersion > 0 ? 'v' + a.activeVersion : 'none';
    const versions = row.insertCell();
    a.versions.forEach((v, i) => {
      const span = document.createElement('span');
      span.className = 'state-' + v.state;
      span.textContent = (i > 0 ? ', ' : '') + 'v' + v.version + ' ' + v.state + (v.reason ? ' (' + v.reason + ')' : '');
      versions.append(span);
    });
  }
}

// ------------------------------------------------------------------ encode and decode

async function run() {
  clearError();
  const file = $('file').files[0];
  if (!file) {
    showError(new ApiError('', 'choose an image file first'));
    return;
  }
  for (const id of ['result', 'compare-panel', 'tasks']) {
    $(id).hidden = true;
  }
  state.urls.forEach((u) => URL.revokeObjectURL(u));
  state.urls = [];
  $('busy').hidden = false;
  $('encode').disabled = true;
  try {
    const encoded = await api('/v1/encode?rate=' + encodeURIComponent($('rate').value), {
      method: 'POST', headers: { 'Content-Type': file.type || 'application/octet-stream' }, body: file });
    const bitstream = await encoded.blob();
    const header = (name) => encoded.headers.get('X-Lic-' + name);
    const codecId = header('Codec-Id');
    $('size').textContent = formatBytes(Number(header('Size')));
    $('size').dataset.bytes = header('Size');
    $('bpp').textContent = Number(header('Bpp')).toFixed(3);
    $('original-size').textContent = formatBytes(file.size) + ', ' + (file.size / bitstream.size).toFixed(1) + '× larger';
    $('dimensions').textContent = header('Width') + ' × ' + header('Height');
    $('codec').textContent = shortId(codecId) + ', rate ' + header('Rate');
    $('codec').title = codecId;
    $('download').href = objectUrl(bitstream);
    $('download').download = file.name.replace(/\.[^.]*$/, '') + '.lic';
    $('result').hidden = false;

    const decoded = await api('/v1/decode?adaptor=human', {
      method: 'POST', headers: { 'Content-Type': 'application/x-lic' }, body: bitstream });
    const [human] = await Promise.all([
      loaded($('decoded'), objectUrl(await decoded.blob())),
      loaded($('original'), objectUrl(file))]);
    $('compare-panel').hidden = false;

    await loadAdaptors();
    $('tasks').hidden = false;
    for (const task of TASKS) {
      await runTask(task, codecId, bitstream, human);
    }
  } catch (e) {
    showError(e);
  } finally {
    $('busy').hidden = true;
    $('encode').disabled = false;
  }
}

/** Decodes through the active adaptor of {@code task} for the codec, or says that there is none yet. */
async function runTask(task, codecId, bitstream, human) {
  const status = $(task + '-status');
  const canvas = $(task + '-canvas');
  const adaptor = state.adaptors.find((a) => a.codecId === codecId && a.activeVersion > 0 && taskOf(a) === task);
  canvas.hidden = true;
  $(task + '-panel').dataset.state = 'missing';
  if (task === 'detection') {
    $('detection-list').innerHTML = '';
  } else {
    $('segmentation-legend').innerHTML = '';
    $('blend-label').hidden = true;
  }
  if (!adaptor) {
    status.className = 'task-status missing';
    status.textContent = 'No ' + task + ' adaptor for codec ' + shortId(codecId) + ' yet.';
    return;
  }
  status.className = 'task-status';
  status.textContent = 'decoding with ' + adaptor.name + ' v' + adaptor.activeVersion + '...';
  try {
    const response = await api('/v1/decode?adaptor=' + encodeURIComponent(adaptor.name), {
      method: 'POST', headers: { 'Content-Type': 'application/x-lic' }, body: bitstream });
    const result = await response.json();
    if (task === 'detection') {
      drawDetections(result.detections, human, canvas);
      status.textContent = result.detections.detections.length + ' boxes from ' + adaptor.name + ' v'
        + result.adaptorVersion;
    } else {
      state.segmentation = { map: result.segmentation, human };
      drawSegmentation(canvas);
      legend(result.segmentation);
      $('blend-label').hidden = false;
      status.textContent = 'class map from ' + adaptor.name + ' v' + result.adaptorVersion;
    }
    canvas.hidden = false;
    $(task + '-panel').dataset.state = 'shown';
  } catch (e) {
    status.className = 'task-status missing';
    status.textContent = task + ' failed: ' + e.kind + ': ' + e.message;
    showError(e);
  }
}

function drawDetections(output, human, canvas) {
  canvas.width = human.naturalWidth;
  canvas.height = human.naturalHeight;
  const g = canvas.getContext('2d');
  g.drawImage(human, 0, 0);
  g.lineWidth = Math.max(2, canvas.width / 300);
  g.font = Math.max(12, Math.round(canvas.width / 45)) + 'px sans-serif';
  const list = $('detection-list');
  for (const d of output.detections) {
    const color = PALETTE[d.classIndex % PALETTE.length];
    const text = d.label + ' ' + d.score.toFixed(2);
    g.strokeStyle = color;
    g.strokeRect(d.x0, d.y0, d.x1 - d.x0, d.y1 - d.y0);
    const width = g.measureText(text).width + 6;
    const height = parseInt(g.font, 10) + 4;
    const top = d.y0 >= height ? d.y0 - height : d.y0;
    g.fillStyle = color;
    g.fillRect(d.x0, top, width, height);
    g.fillStyle = '#fff';
    g.fillText(text, d.x0 + 3, top + height - 5);
    const item = document.createElement('li');
    item.textContent = text + ' at (' + Math.round(d.x0) + ', ' + Math.round(d.y0) + ')–(' + Math.round(d.x1) + ', '
      + Math.round(d.y1) + ')';
    list.append(item);
  }
}

/** The class map in palette colours, blended over the human decode by the blend slider. */
function drawSegmentation(canvas) {
  const { map, human } = state.segmentation;
  const bytes = Uint8Array.from(atob(map.classMap), (c) => c.charCodeAt(0));
  const colours = PALETTE.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
  const layer = document.createElement('canvas');
  layer.width = map.width;
  layer.height = map.height;
  const pixels = layer.getContext('2d').createImageData(map.width, map.height);
  for (let i = 0; i < map.width * map.height; i++) {
    const k = map.bytesPerPixel === 1 ? bytes[i] : bytes[2 * i] | (bytes[2 * i + 1] << 8);
    const [r, g, b] = colours[k % colours.length];
    pixels.data.set([r, g, b, 255], 4 * i);
  }
  layer.getContext('2d').putImageData(pixels, 0, 0);
  canvas.width = map.width;
  canvas.height = map.height;
  const g = canvas.getContext('2d');
  g.globalAlpha = 1;
  g.drawImage(human, 0, 0);
  g.globalAlpha = Number($('blend').value) / 100;
  g.drawImage(layer, 0, 0);
  g.globalAlpha = 1;
}

function legend(map) {
  const list = $('segmentation-legend');
  map.labels.forEach((label, k) => {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = PALETTE[k % PALETTE.length];
    item.append(swatch, label + ' ' + (100 * (map.fractions[k] || 0)).toFixed(1) + '%');
    list.append(item);
  });
}

// ------------------------------------------------------------------ wiring

$('slider').addEventListener('input', (e) => {
  const v = Number(e.target.value);
  $('decoded').style.clipPath = 'inset(0 ' + (100 - v) + '% 0 0)';
  $('divider').style.left = v + '%';
});
$('blend').addEventListener('input', () => {
  if (state.segmentation) {
    drawSegmentation($('segmentation-canvas'));
  }
});
$('encode').addEventListener('click', run);

loadCodecs().then(loadAdaptors).catch(showError);
