import { describe, expectTypeOf, it } from 'vitest';
import type { ImageSource, SuperimposeParams, SuperimposeRequest } from '../../src/index.js';

describe('the library request type', () => {
  it('types every image field as bytes or a string', () => {
    expectTypeOf<SuperimposeRequest['base_image']>().toEqualTypeOf<ImageSource>();
    expectTypeOf<SuperimposeRequest['overlay_image']>().toEqualTypeOf<ImageSource>();
    expectTypeOf<SuperimposeRequest['mask']>().toEqualTypeOf<ImageSource | undefined>();
    expectTypeOf<SuperimposeParams['base_image']>().toEqualTypeOf<ImageSource>();
    expectTypeOf<Buffer>().toMatchTypeOf<ImageSource>();
  });
});
