import type { RgbaImage } from '@ganforge/data';

/** Draws an RGBA bitmap on a canvas at its own size; CSS scales it up (studio-pixels keeps pixels sharp). */
export function drawPixels(canvas: HTMLCanvasElement, image: RgbaImage, scale = 3): void {
  if (canvas.width !== image.width || canvas.height !== image.height) {
    canvas.width = image.width;
    canvas.height = image.height;
    canvas.style.width = `${image.width * scale}px`;
    canvas.style.height = `${image.height * scale}px`;
  }
  const pixels = new ImageData(new Uint8ClampedArray(image.data), image.width, image.height);
  canvas.getContext('2d')!.putImageData(pixels, 0, 0);
}

/** A new canvas showing `image`. */
export function pixelCanvas(image: RgbaImage, scale = 3): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.className = 'studio-pixels';
  drawPixels(canvas, image, scale);
  return canvas;
}
