import type { Point, Quad } from './config.js';
import { h, svg } from './dom.js';
import { arrowStep, CORNER_NAMES, describePoint, moveCorner } from './geometry.js';

export interface StageCallbacks {
  /** A corner of the current layer moved (by mouse, touch or keyboard). */
  readonly onCorner: (corner: number, to: Point) => void;
  /** A file was dropped on the stage: the new product photo. */
  readonly onDrop: (file: File) => void;
}

/**
 * The product photo with every layer's quad drawn over it (SVG in photo
 * pixels, scaled with the photo) and the current layer's four corners as
 * sliders, dragged or moved with the arrow keys.
 */
export class Stage {
  readonly element: HTMLDivElement;
  private readonly photo: HTMLImageElement;
  private readonly overlay: SVGSVGElement;
  private readonly handles: HTMLDivElement[];
  private readonly empty: HTMLParagraphElement;
  private size = { width: 0, height: 0 };
  private quads: readonly Quad[] = [];
  private current = 0;

  constructor(private readonly callbacks: StageCallbacks) {
    this.photo = h('img', { class: 'photo', alt: 'Product photo' });
    this.overlay = svg('svg', { class: 'overlay', 'aria-hidden': 'true', preserveAspectRatio: 'none' });
    this.empty = h('p', { class: 'empty' }, 'Drop a product photo here, choose a file, or pick an example.');
    this.handles = CORNER_NAMES.map((name, corner) => {
      const handle = h('div', { class: 'handle', role: 'slider', tabindex: 0, 'aria-label': `${name} corner`, 'data-testid': `corner-${corner}`, 'aria-valuemin': 0 });
      this.dragging(handle, corner);
      handle.addEventListener('keydown', (event) => {
        const step = arrowStep(event.key, event.shiftKey);
        const point = this.quads[this.current]?.[corner];
        if (!step || !point) return;
        event.preventDefault();
        this.callbacks.onCorner(corner, this.clamped(corner, [point[0] + step[0], point[1] + step[1]]));
      });
      return handle;
    });
    const frame = h('div', { class: 'frame' }, this.photo, this.overlay as unknown as Node, ...this.handles);
    this.element = h('div', { class: 'stage', 'data-field': 'quad' }, this.empty, frame);
    this.element.addEventListener('dragover', (event) => {
      event.preventDefault();
      this.element.classList.add('dropping');
    });
    this.element.addEventListener('dragleave', () => this.element.classList.remove('dropping'));
    this.element.addEventListener('drop', (event) => {
      event.preventDefault();
      this.element.classList.remove('dropping');
      const file = event.dataTransfer?.files[0];
      if (file) this.callbacks.onDrop(file);
    });
    this.render();
  }

  /** Shows a photo (an object URL) of this size in photo pixels. */
  setPhoto(url: string, size: { width: number; height: number }): void {
    this.photo.src = url;
    this.size = size;
    this.overlay.setAttribute('viewBox', `0 0 ${size.width} ${size.height}`);
    this.render();
  }

  /** The layers' quads, and which one's corners are handles. */
  setQuads(quads: readonly Quad[], current: number): void {
    this.quads = quads;
    this.current = current;
    this.render();
  }

  private clamped(corner: number, to: Point): Point {
    const quad = this.quads[this.current];
    return quad ? moveCorner(quad, corner, to, this.size)[corner]! : to;
  }

  /** Pointer drags in screen pixels, turned into photo pixels by the photo's displayed scale. */
  private dragging(handle: HTMLDivElement, corner: number): void {
    handle.addEventListener('pointerdown', (event) => {
      event.preventDefault();
      handle.focus();
      handle.setPointerCapture(event.pointerId);
      const move = (moved: PointerEvent) => {
        const box = this.photo.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) return;
        const to: Point = [((moved.clientX - box.left) * this.size.width) / box.width, ((moved.clientY - box.top) * this.size.height) / box.height];
        this.callbacks.onCorner(corner, this.clamped(corner, [Math.round(to[0]), Math.round(to[1])]));
      };
      const stop = () => {
        handle.removeEventListener('pointermove', move);
        handle.removeEventListener('pointerup', stop);
        handle.removeEventListener('pointercancel', stop);
      };
      handle.addEventListener('pointermove', move);
      handle.addEventListener('pointerup', stop);
      handle.addEventListener('pointercancel', stop);
    });
  }

  private render(): void {
    const hasPhoto = this.size.width > 0;
    this.element.classList.toggle('has-photo', hasPhoto);
    this.overlay.replaceChildren(
      ...this.quads.map((quad, i) => svg('polygon', { points: quad.map(([x, y]) => `${x},${y}`).join(' '), class: i === this.current ? 'quad current' : 'quad' })),
    );
    const quad = this.quads[this.current];
    this.handles.forEach((handle, corner) => {
      const point = quad?.[corner];
      handle.hidden = !hasPhoto || !point;
      if (!point) return;
      handle.style.left = `${(point[0] / this.size.width) * 100}%`;
      handle.style.top = `${(point[1] / this.size.height) * 100}%`;
      handle.setAttribute('aria-valuenow', String(Math.round(point[0])));
      handle.setAttribute('aria-valuemax', String(this.size.width));
      handle.setAttribute('aria-valuetext', describePoint(point));
    });
  }
}
