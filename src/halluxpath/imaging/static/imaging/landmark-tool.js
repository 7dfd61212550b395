// The landmark tool: an SVG layer over the radiograph (spec/measurements.md,
// "Browser landmark tool"). SVG user coordinates are the stored image's pixel
// coordinates at any zoom or pan: zoom and pan move the whole stage with a
// CSS transform and never touch a stored coordinate.
//
// The numbers shown come from the server's one implementation of the
// contract (POST /api/v1/measurements/compute); this module only draws.

const SVG_NS = "http://www.w3.org/2000/svg";
const MEASURE_KEYS = [
  "hva_deg", "ima_deg", "hvia_deg", "dmaa_deg", "sesamoid_position",
  "sesamoid_lateral_fraction", "translation_pct", "osteotomy_width_mm", "severity",
];
const CLICK_SLOP_PX = 4;
// Keys whose values are floats in the output JSON: shown as the JSON shows them
// (31.0, not 31), since JSON.parse cannot tell 31.0 from 31.
const FLOAT_KEYS = new Set([
  "hva_deg", "ima_deg", "hvia_deg", "dmaa_deg", "sesamoid_lateral_fraction",
  "translation_pct", "osteotomy_width_mm",
]);

function formatValue(key, value) {
  if (value === null || value === undefined) return "";
  if (FLOAT_KEYS.has(key) && Number.isInteger(value)) return `${value}.0`;
  return String(value);
}

function svgEl(name, attrs = {}) {
  const el = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function round3(v) {
  return Math.round(v * 1000) / 1000;
}

function boxesOverlap(a, b) {
  return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
}

function inside(box, bounds) {
  return box[0] >= bounds[0] && box[1] >= bounds[1]
    && box[0] + box[2] <= bounds[0] + bounds[2] && box[1] + box[3] <= bounds[1] + bounds[3];
}

// Boxes [left, top, width, height] for labels near their anchors, none overlapping:
// the same greedy placement as core.geometry.place_labels (tested there).
export function placeLabels(anchors, sizes, bounds, gap = 4) {
  const placed = [];
  anchors.forEach(([x, y], i) => {
    const [w, h] = sizes[i];
    let chosen = null;
    for (let ring = 0; ring < 8 && !chosen; ring++) {
      const step = gap + ring * h;
      const candidates = [
        [x + step, y - h / 2], [x - step - w, y - h / 2], [x - w / 2, y - step - h], [x - w / 2, y + step],
        [x + step, y - step - h], [x - step - w, y - step - h], [x + step, y + step], [x - step - w, y + step],
      ];
      for (const [left, top] of candidates) {
        const box = [left, top, w, h];
        if (inside(box, bounds) && !placed.some((p) => boxesOverlap(box, p))) { chosen = box; break; }
      }
    }
    if (!chosen) {
      const left = Math.min(Math.max(x + gap, bounds[0]), bounds[0] + Math.max(bounds[2] - w, 0));
      const bottom = placed.length ? Math.max(...placed.map((p) => p[1] + p[3])) : y;
      chosen = [left, bottom + gap, w, h];
    }
    placed.push(chosen);
  });
  return placed;
}

export class LandmarkTool {
  constructor(root, config) {
    this.root = root;
    this.config = config;
    this.guide = config.guide;
    this.order = this.guide.map((g) => g.name);
    this.groupOf = Object.fromEntries(this.guide.map((g) => [g.name, g.group]));
    this.groups = {};
    for (const g of this.guide) (this.groups[g.group] ||= []).push(g.name);
    this.points = {};
    this.skipped = new Set();
    this.undoStack = [];
    this.redoStack = [];
    this.selected = null;
    this.cursor = [config.width / 2, config.height / 2];
    this.scale = 1;
    this.tx = 0;
    this.ty = 0;
    this.computeTimer = null;
    this.computeSeq = 0;
    this.results = null;
    if (config.landmarks && config.landmarks.points) {
      for (const [name, xy] of Object.entries(config.landmarks.points)) {
        this.points[name] = [Number(xy[0]), Number(xy[1])];
      }
    }
    this.build();
    this.fit();
    this.render();
    this.scheduleCompute(0);
  }

  // ---- building the DOM ----------------------------------------------------
  build() {
    const { width, height } = this.config;
    this.viewport = this.root.querySelector("[data-viewport]");
    this.stage = this.root.querySelector("[data-stage]");
    this.image = this.stage.querySelector("img");
    this.image.width = width;
    this.image.height = height;
    this.svg = svgEl("svg", {
      viewBox: `0 0 ${width} ${height}`, width, height, "data-landmark-layer": "",
      tabindex: "0", role: "application",
      "aria-label": "Radiograph. Click to place the expected landmark; arrow keys move the cursor or the selected point; Enter places at the cursor.",
    });
    this.overlay = svgEl("g", { class: "overlay" });
    this.markers = svgEl("g", { class: "markers" });
    this.cursorMark = svgEl("g", { class: "kbd-cursor" });
    this.cursorMark.append(svgEl("line", { class: "h" }), svgEl("line", { class: "v" }));
    this.svg.append(this.overlay, this.markers, this.cursorMark);
    this.stage.append(this.svg);

    this.prompt = this.root.querySelector("[data-prompt]");
    this.hint = this.root.querySelector("[data-hint]");
    this.status = this.root.querySelector("[data-status]");
    this.saveButton = this.root.querySelector("[data-action=save]");
    this.skipButton = this.root.querySelector("[data-action=skip]");
    this.undoButton = this.root.querySelector("[data-action=undo]");
    this.redoButton = this.root.querySelector("[data-action=redo]");
    this.list = this.root.querySelector("[data-landmark-list]");
    this.diagram = this.root.querySelector("[data-diagram]");

    this.calibrationPoints = null;
    this.root.querySelector("[data-action=calibrate]")?.addEventListener("click", () => this.startCalibration());
    this.root.querySelector("[data-action=zoom-in]")?.addEventListener("click", () => this.zoomBy(1.25));
    this.root.querySelector("[data-action=zoom-out]")?.addEventListener("click", () => this.zoomBy(0.8));
    this.root.querySelector("[data-action=fit]")?.addEventListener("click", () => { this.fit(); this.render(); });
    this.skipButton?.addEventListener("click", () => this.skipGroup());
    this.undoButton?.addEventListener("click", () => this.undo());
    this.redoButton?.addEventListener("click", () => this.redo());
    this.saveButton?.addEventListener("click", () => this.save(false));
    this.confirmBox = this.root.querySelector("[data-implausible]");
    this.root.querySelector("[data-action=save-anyway]")?.addEventListener("click", () => this.save(true));
    this.root.querySelector("[data-action=cancel-save]")?.addEventListener("click", () => {
      this.confirmBox.hidden = true;
      this.setStatus("Not saved. Check the landmarks named above.");
      this.svg.focus();
    });

    this.bindPointer();
    this.bindKeyboard();
    window.addEventListener("resize", () => { this.fit(); this.render(); });
  }

  // ---- geometry between screen and image --------------------------------------
  toImage(clientX, clientY) {
    const matrix = this.svg.getScreenCTM();
    const p = new DOMPoint(clientX, clientY).matrixTransform(matrix.inverse());
    return [p.x, p.y];
  }

  unitsPerScreenPixel() {
    const matrix = this.svg.getScreenCTM();
    return matrix ? 1 / Math.hypot(matrix.a, matrix.b) : 1;
  }

  fit() {
    const box = this.viewport.getBoundingClientRect();
    const s = Math.min(box.width / this.config.width, box.height / this.config.height) || 1;
    this.scale = s;
    this.tx = (box.width - this.config.width * s) / 2;
    this.ty = (box.height - this.config.height * s) / 2;
    this.applyTransform();
  }

  applyTransform() {
    this.stage.style.transform = `translate(${this.tx}px, ${this.ty}px) scale(${this.scale})`;
  }

  zoomBy(factor, clientX, clientY) {
    const box = this.viewport.getBoundingClientRect();
    const cx = clientX ?? box.left + box.width / 2;
    const cy = clientY ?? box.top + box.height / 2;
    const next = Math.min(Math.max(this.scale * factor, 0.02), 20);
    const k = next / this.scale;
    this.tx = cx - box.left - (cx - box.left - this.tx) * k;
    this.ty = cy - box.top - (cy - box.top - this.ty) * k;
    this.scale = next;
    this.applyTransform();
    this.render();
  }

  // ---- state and history -------------------------------------------------------
  snapshot() {
    return { points: structuredClone(this.points), skipped: [...this.skipped] };
  }

  restore(state) {
    this.points = structuredClone(state.points);
    this.skipped = new Set(state.skipped);
    if (this.selected && !(this.selected in this.points)) this.selected = null;
  }

  remember() {
    this.undoStack.push(this.snapshot());
    this.redoStack = [];
  }

  undo() {
    if (!this.undoStack.length) return;
    this.redoStack.push(this.snapshot());
    this.restore(this.undoStack.pop());
    this.changed();
  }

  redo() {
    if (!this.redoStack.length) return;
    this.undoStack.push(this.snapshot());
    this.restore(this.redoStack.pop());
    this.changed();
  }

  expected() {
    return this.order.find((name) => !(name in this.points) && !this.skipped.has(this.groupOf[name])) || null;
  }

  place(name, xy) {
    this.remember();
    this.points[name] = [round3(xy[0]), round3(xy[1])];
    this.selected = name;
    this.changed();
  }

  skipGroup() {
    const next = this.expected();
    if (!next || this.groupOf[next] === "required") return;
    this.remember();
    const group = this.groupOf[next];
    for (const name of this.groups[group]) delete this.points[name];
    this.skipped.add(group);
    this.changed();
  }

  completeGroups() {
    return Object.entries(this.groups)
      .filter(([, names]) => names.every((n) => n in this.points))
      .map(([group]) => group);
  }

  requiredPlaced() {
    return this.groups.required.every((n) => n in this.points);
  }

  document() {
    const points = {};
    const complete = new Set(this.completeGroups());
    for (const name of this.order) {
      if (complete.has(this.groupOf[name])) points[name] = this.points[name];
    }
    const doc = { schema: "halluxpath.landmarks/1", view: "dp" };
    if (this.config.pixelSpacing) doc.pixel_spacing_mm = this.config.pixelSpacing;
    doc.points = points;
    return doc;
  }

  changed() {
    this.render();
    this.scheduleCompute();
    this.setStatus("");
  }

  // ---- input -----------------------------------------------------------------
  bindPointer() {
    const active = new Map();
    let gesture = null;
    this.viewport.addEventListener("pointerdown", (event) => {
      this.viewport.setPointerCapture(event.pointerId);
      active.set(event.pointerId, [event.clientX, event.clientY]);
      const target = event.target.closest?.("[data-landmark]");
      if (active.size === 2) {
        const [a, b] = [...active.values()];
        gesture = { kind: "pinch", distance: Math.hypot(a[0] - b[0], a[1] - b[1]) };
      } else if (target && this.config.editable) {
        const name = target.getAttribute("data-landmark");
        this.selected = name;
        gesture = { kind: "drag", name, start: [event.clientX, event.clientY], moved: false };
      } else {
        gesture = { kind: "tap", start: [event.clientX, event.clientY], tx: this.tx, ty: this.ty, moved: false };
      }
      event.preventDefault();
    });
    this.viewport.addEventListener("pointermove", (event) => {
      if (!active.has(event.pointerId) || !gesture) return;
      active.set(event.pointerId, [event.clientX, event.clientY]);
      if (gesture.kind === "pinch" && active.size === 2) {
        const [a, b] = [...active.values()];
        const distance = Math.hypot(a[0] - b[0], a[1] - b[1]);
        if (gesture.distance > 0) this.zoomBy(distance / gesture.distance, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2);
        gesture.distance = distance;
        return;
      }
      const dx = event.clientX - gesture.start[0];
      const dy = event.clientY - gesture.start[1];
      if (!gesture.moved && Math.hypot(dx, dy) < CLICK_SLOP_PX) return;
      if (gesture.kind === "drag") {
        if (!gesture.moved) this.remember();
        gesture.moved = true;
        const xy = this.toImage(event.clientX, event.clientY);
        this.points[gesture.name] = [round3(xy[0]), round3(xy[1])];
        this.render();
      } else if (gesture.kind === "tap") {
        gesture.moved = true;
        this.tx = gesture.tx + dx;
        this.ty = gesture.ty + dy;
        this.applyTransform();
      }
    });
    const finish = (event) => {
      if (!active.has(event.pointerId)) return;
      active.delete(event.pointerId);
      if (!gesture) return;
      if (gesture.kind === "tap" && !gesture.moved && this.calibrationPoints) {
        this.addCalibrationPoint(this.toImage(event.clientX, event.clientY));
      } else if (gesture.kind === "tap" && !gesture.moved && this.config.editable) {
        const name = this.expected();
        if (name) this.place(name, this.toImage(event.clientX, event.clientY));
      } else if (gesture.kind === "drag") {
        if (gesture.moved) this.changed(); else this.render();
      }
      if (active.size === 0) gesture = null;
    };
    this.viewport.addEventListener("pointerup", finish);
    this.viewport.addEventListener("pointercancel", finish);
    this.viewport.addEventListener("wheel", (event) => {
      event.preventDefault();
      this.zoomBy(event.deltaY < 0 ? 1.15 : 1 / 1.15, event.clientX, event.clientY);
    }, { passive: false });
  }

  bindKeyboard() {
    this.svg.addEventListener("keydown", (event) => {
      const step = (event.shiftKey ? 10 : 1) * Math.max(1, this.unitsPerScreenPixel());
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      if (event.key in moves) {
        event.preventDefault();
        const [dx, dy] = moves[event.key];
        if (this.selected && this.config.editable) {
          this.remember();
          const [x, y] = this.points[this.selected];
          this.points[this.selected] = [round3(x + dx), round3(y + dy)];
          this.changed();
        } else {
          this.cursor = [this.cursor[0] + dx, this.cursor[1] + dy];
          this.render();
        }
      } else if (event.key === "Enter" && this.config.editable) {
        event.preventDefault();
        const name = this.expected();
        if (name) this.place(name, this.cursor);
      } else if (event.key === "Escape") {
        this.selected = null;
        this.render();
      } else if ((event.key === "z" || event.key === "Z") && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        if (event.shiftKey) this.redo(); else this.undo();
      } else if (event.key === "+" || event.key === "=") {
        this.zoomBy(1.25);
      } else if (event.key === "-") {
        this.zoomBy(0.8);
      }
    });
  }

  // ---- drawing ---------------------------------------------------------------
  render() {
    const unit = this.unitsPerScreenPixel();
    const next = this.expected();
    this.markers.replaceChildren();
    for (const name of this.order) {
      if (!(name in this.points)) continue;
      const [x, y] = this.points[name];
      const marker = svgEl("circle", {
        cx: x, cy: y, r: 6 * unit, "data-landmark": name,
        class: `landmark group-${this.groupOf[name]}${name === this.selected ? " selected" : ""}`,
      });
      const title = svgEl("title");
      title.textContent = this.guide.find((g) => g.name === name).label;
      marker.append(title);
      this.markers.append(marker);
    }
    const [cx, cy] = this.cursor;
    const [h, v] = this.cursorMark.children;
    for (const [line, x1, y1, x2, y2] of [[h, cx - 12 * unit, cy, cx + 12 * unit, cy], [v, cx, cy - 12 * unit, cx, cy + 12 * unit]]) {
      line.setAttribute("x1", x1); line.setAttribute("y1", y1);
      line.setAttribute("x2", x2); line.setAttribute("y2", y2);
    }
    this.drawOverlay(unit);

    const info = next ? this.guide.find((g) => g.name === next) : null;
    if (this.prompt) this.prompt.textContent = info ? `Place: ${info.label}` : "All landmarks placed or skipped. Save when ready.";
    if (this.hint) this.hint.textContent = info ? info.hint : "";
    if (this.diagram) {
      for (const dot of this.diagram.querySelectorAll("[data-diagram-point]")) {
        const name = dot.getAttribute("data-diagram-point");
        dot.classList.toggle("current", name === next);
        dot.classList.toggle("placed", name in this.points);
      }
    }
    if (this.skipButton) {
      this.skipButton.disabled = !info || info.group === "required" || !this.config.editable;
      this.skipButton.textContent = info && info.group !== "required" ? `Skip ${this.config.groupLabels[info.group]}` : "Skip group";
    }
    if (this.undoButton) this.undoButton.disabled = this.undoStack.length === 0;
    if (this.redoButton) this.redoButton.disabled = this.redoStack.length === 0;
    if (this.saveButton) this.saveButton.disabled = !this.requiredPlaced() || !this.config.editable;
    this.renderList(next);
  }

  renderList(next) {
    if (!this.list) return;
    this.list.replaceChildren();
    for (const g of this.guide) {
      const item = document.createElement("li");
      const state = g.name in this.points ? "placed" : this.skipped.has(g.group) ? "skipped" : g.name === next ? "next" : "waiting";
      item.className = `landmark-item ${state}`;
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = g.label;
      button.disabled = !(g.name in this.points);
      button.setAttribute("aria-pressed", String(g.name === this.selected));
      button.addEventListener("click", () => { this.selected = g.name; this.render(); this.svg.focus(); });
      const badge = document.createElement("span");
      badge.className = "state";
      badge.textContent = { placed: "placed", skipped: "skipped", next: "next", waiting: "" }[state];
      item.append(button, badge);
      this.list.append(item);
    }
  }

  line(a, b, cls, extend = 0.15) {
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    this.overlay.append(svgEl("line", {
      x1: a[0] - dx * extend, y1: a[1] - dy * extend, x2: b[0] + dx * extend, y2: b[1] + dy * extend,
      class: `axis ${cls}`, "vector-effect": "non-scaling-stroke",
    }));
  }

  label(xy, text) {
    this.pendingLabels.push({ xy, text });
  }

  drawLabels(unit) {
    const size = 15 * unit;
    const labels = this.pendingLabels;
    const sizes = labels.map((l) => [0.62 * size * l.text.length, 1.25 * size]);
    const boxes = placeLabels(labels.map((l) => l.xy), sizes, [0, 0, this.config.width, this.config.height], 6 * unit);
    labels.forEach((l, i) => {
      const [left, top, , h] = boxes[i];
      const t = svgEl("text", {
        x: left, y: top + h * 0.8, class: "angle-label", "font-size": size, "data-label-box": boxes[i].join(" "),
      });
      t.textContent = l.text;
      this.overlay.append(t);
    });
  }

  arc(center, dirA, dirB, radius) {
    const angle = (d) => Math.atan2(d[1], d[0]);
    const a = angle(dirA);
    let b = angle(dirB);
    let delta = b - a;
    while (delta > Math.PI) delta -= 2 * Math.PI;
    while (delta < -Math.PI) delta += 2 * Math.PI;
    b = a + delta;
    const p1 = [center[0] + radius * Math.cos(a), center[1] + radius * Math.sin(a)];
    const p2 = [center[0] + radius * Math.cos(b), center[1] + radius * Math.sin(b)];
    this.overlay.append(svgEl("path", {
      d: `M ${p1[0]} ${p1[1]} A ${radius} ${radius} 0 0 ${delta > 0 ? 1 : 0} ${p2[0]} ${p2[1]}`,
      class: "angle-arc", "vector-effect": "non-scaling-stroke",
    }));
  }

  drawOverlay(unit) {
    this.overlay.replaceChildren();
    this.pendingLabels = [];
    const p = this.points;
    const has = (...names) => names.every((n) => n in p);
    const r = this.results || {};
    const fmt = (key, suffix = "°") => `${formatValue(key, r[key])}${suffix}`;
    const dir = (a, b) => [b[0] - a[0], b[1] - a[1]];
    if (has("m1_proximal", "m1_distal")) this.line(p.m1_proximal, p.m1_distal, "m1", 0.6);
    if (has("m2_proximal", "m2_distal")) {
      this.line(p.m2_proximal, p.m2_distal, "m2", 0.3);
      if (r.ima_deg !== undefined && r.ima_deg !== null) this.label(p.m2_distal, `IMA ${fmt("ima_deg")}`);
      if (has("m1_proximal", "m1_distal")) this.arc(p.m1_proximal, dir(p.m1_proximal, p.m1_distal), dir(p.m2_proximal, p.m2_distal), 80 * unit);
    }
    if (has("p1_proximal", "p1_distal")) {
      this.line(p.p1_proximal, p.p1_distal, "p1", 0.5);
      if (has("m1_proximal", "m1_distal")) this.arc(p.p1_proximal, dir(p.m1_proximal, p.m1_distal), dir(p.p1_proximal, p.p1_distal), 60 * unit);
      if (r.hva_deg !== undefined && r.hva_deg !== null) this.label(p.p1_distal, `HVA ${fmt("hva_deg")}`);
    }
    if (has("d1_proximal", "d1_distal")) {
      this.line(p.d1_proximal, p.d1_distal, "d1", 0.5);
      if (r.hvia_deg !== undefined && r.hvia_deg !== null) this.label(p.d1_distal, `HVIA ${fmt("hvia_deg")}`);
    }
    if (has("m1_articular_medial", "m1_articular_lateral")) {
      this.line(p.m1_articular_medial, p.m1_articular_lateral, "articular", 0.3);
      if (r.dmaa_deg !== undefined && r.dmaa_deg !== null) this.label(p.m1_articular_lateral, `DMAA ${fmt("dmaa_deg")}`);
    }
    if (has("tibial_sesamoid_medial", "tibial_sesamoid_lateral")) {
      this.line(p.tibial_sesamoid_medial, p.tibial_sesamoid_lateral, "sesamoid", 0);
      if (r.sesamoid_position) this.label(p.tibial_sesamoid_lateral, `Sesamoid ${r.sesamoid_position}`);
    }
    if (has("osteotomy_medial_cortex", "osteotomy_lateral_cortex")) {
      this.line(p.osteotomy_medial_cortex, p.osteotomy_lateral_cortex, "osteotomy", 0);
      if (r.translation_pct !== undefined && r.translation_pct !== null && "head_medial_cortex" in p) {
        this.label(p.head_medial_cortex, `Shift ${fmt("translation_pct", "%")}`);
      }
    }
    this.drawLabels(unit);
  }

  // ---- calibration: two points a known distance apart -----------------------------
  startCalibration() {
    this.calibrationPoints = [];
    this.setStatus("Calibration: click the two ends of the known length (e.g. across the marker ball).");
    this.drawCalibration();
  }

  addCalibrationPoint(xy) {
    this.calibrationPoints.push([round3(xy[0]), round3(xy[1])]);
    this.drawCalibration();
    if (this.calibrationPoints.length < 2) return;
    const form = this.root.querySelector("[data-calibration-form]");
    const [[x1, y1], [x2, y2]] = this.calibrationPoints;
    for (const [name, value] of Object.entries({ x1, y1, x2, y2 })) form.elements[name].value = value;
    form.hidden = false;
    const pixels = Math.hypot(x2 - x1, y2 - y1).toFixed(1);
    this.setStatus(`Calibration points placed ${pixels} pixels apart. Enter the known length and save it.`);
    form.elements.length_mm.focus();
    this.calibrationPoints = null;
  }

  drawCalibration() {
    this.overlay.querySelectorAll(".calibration").forEach((el) => el.remove());
    for (const [x, y] of this.calibrationPoints || []) {
      this.overlay.append(svgEl("circle", { cx: x, cy: y, r: 5 * this.unitsPerScreenPixel(), class: "calibration" }));
    }
  }

  // ---- the server's numbers --------------------------------------------------------
  scheduleCompute(delay = 120) {
    clearTimeout(this.computeTimer);
    this.computeTimer = setTimeout(() => this.compute(), delay);
  }

  async compute() {
    if (!this.requiredPlaced()) {
      this.showResults(null, "");
      return;
    }
    const seq = ++this.computeSeq;
    try {
      const response = await fetch(this.config.computeUrl, {
        method: "POST", credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": csrfToken(),
          // The film version measured on: a film calibrated since is refused (409).
          "If-Match": `"${this.config.version}"`,
        },
        body: JSON.stringify(this.document()),
      });
      const body = await response.json();
      if (seq !== this.computeSeq) return;
      if (response.ok) this.showResults(body, "");
      else this.showResults(null, this.inWords(body.detail || "The landmarks could not be measured."));
    } catch (error) {
      if (seq === this.computeSeq) this.showResults(null, "The measurements could not be fetched; check the connection.");
    }
  }

  showResults(results, problem) {
    this.results = results;
    for (const key of MEASURE_KEYS) {
      for (const el of this.root.querySelectorAll(`[data-measure="${key}"]`)) {
        el.textContent = formatValue(key, results ? results[key] : null);
      }
    }
    const varus = this.root.querySelector("[data-flag=hallux_varus]");
    if (varus) varus.hidden = !(results && results.hallux_varus);
    const problemBox = this.root.querySelector("[data-problem]");
    if (problemBox) problemBox.textContent = problem;
    this.drawOverlay(this.unitsPerScreenPixel());
  }

  setStatus(text) {
    if (this.status) this.status.textContent = text;
  }

  async save(confirmed) {
    if (!this.requiredPlaced()) return;
    this.saveButton.disabled = true;
    if (this.confirmBox) this.confirmBox.hidden = true;
    this.setStatus("Saving…");
    const url = confirmed ? `${this.config.saveUrl}?confirm_implausible=true` : this.config.saveUrl;
    try {
      const response = await fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": csrfToken(),
          // The film version measured on: a film calibrated since is refused (409).
          "If-Match": `"${this.config.version}"`,
        },
        body: JSON.stringify(this.document()),
      });
      const body = await response.json();
      if (response.status === 201) {
        this.showResults(body.results, "");
        this.setStatus(`Saved at ${new Date(body.saved_at).toLocaleTimeString()}.`);
        await this.refreshReadings();
        this.root.dispatchEvent(new CustomEvent("landmarks-saved", { detail: body }));
      } else if (response.status === 422 && body.warnings && body.warnings.length) {
        this.askToConfirm(body.warnings);
      } else {
        this.setStatus(`Not saved: ${this.inWords(body.detail || response.statusText)}`);
      }
    } catch (error) {
      this.setStatus("Not saved: the server could not be reached. Your landmarks are still here; try again.");
    } finally {
      this.saveButton.disabled = !this.requiredPlaced();
    }
  }

  // The contract's messages name landmarks by their keys; staff read their names.
  inWords(text) {
    const labels = this.config.landmarkLabels || {};
    return String(text).replace(/'([a-z0-9_]+)'/g, (match, name) => (name in labels ? `“${labels[name]}”` : match));
  }

  askToConfirm(warnings) {
    const list = this.root.querySelector("[data-implausible-list]");
    if (!this.confirmBox || !list) {
      this.setStatus(`Not saved: ${warnings.map((w) => w.message).join(" ")}`);
      return;
    }
    list.replaceChildren(...warnings.map((w) => {
      const item = document.createElement("li");
      item.textContent = w.message;
      return item;
    }));
    this.confirmBox.hidden = false;
    this.setStatus("Not saved yet: some values are outside their plausible range.");
    this.confirmBox.querySelector("[data-action=save-anyway]")?.focus();
  }

  // The saved readings and the episode's next step are rendered by the server:
  // fetch the page again and swap both in (a saved reading moves the episode on).
  async refreshReadings() {
    const section = document.querySelector("[data-readings]");
    if (!section) return;
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) throw new Error(response.statusText);
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.querySelector("[data-readings]");
      if (fresh) section.replaceChildren(...fresh.childNodes);
      const next = document.querySelector("nav.next-step");
      const freshNext = page.querySelector("nav.next-step");
      if (next && freshNext) next.replaceChildren(...freshNext.childNodes);
    } catch (error) {
      window.location.reload();
    }
  }
}

const root = document.querySelector("[data-landmark-tool]");
if (root) {
  const config = JSON.parse(document.getElementById("landmark-tool-config").textContent);
  window.landmarkTool = new LandmarkTool(root, config);
}
