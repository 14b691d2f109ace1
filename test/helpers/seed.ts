/** The parameters of the seed page's Python snippet (API page 000), images left to the caller. */
export const SEED_PARAMETERS = {
  rescale_factor: 0.4,
  resize_method: 'nearest-exact',
  overlay_resize: 'Resize by rescale_factor',
  opacity: 1,
  height: 1024,
  width: 1024,
  x_offset: 320,
  y_offset: 620,
  rotation: 0,
  base64: false,
} as const;
