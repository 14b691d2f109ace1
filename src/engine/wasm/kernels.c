/*
 * The pixel loops that dominate a render, compiled to WebAssembly SIMD. Each
 * does exactly the arithmetic of the JavaScript it replaced, which the tests
 * keep as the oracle (test/helpers/).
 *
 * bilinear_row: the inner loop of the bilinear resampler, one output row, with the exact
 * numbers of torch 1.13's channels-last kernel (see src/engine/resample.ts):
 * premultiplied float32 taps, float32 weights λy·λx, each 4-tap sum taken in
 * double in tap order and rounded to float32 once, colour divided by alpha in
 * float32, bytes from trunc(float32(255·v)) clipped to 0–255.
 *
 * WebAssembly has no fused multiply-add and no fast-math, so every product
 * and sum rounds exactly as written here. Rebuild: node tools/wasm/build.mjs
 */
#include <stdint.h>
#include <wasm_simd128.h>

/* float32(c / 255), the reference's uint8 / 255.0, and the same value widened. */
static float unit[256];
static double unit_wide[256];

void init(void) {
  for (int c = 0; c < 256; c++) {
    unit[c] = (float)((double)c / 255.0);
    unit_wide[c] = unit[c];
  }
}

/* (r·a, g·a, b·a, a) in float32: the reference's premultiplied tap. */
static inline v128_t premultiplied(const uint8_t *pixel) {
  v128_t value = wasm_v128_load32_zero(&unit[pixel[0]]);
  value = wasm_v128_load32_lane(&unit[pixel[1]], value, 1);
  value = wasm_v128_load32_lane(&unit[pixel[2]], value, 2);
  value = wasm_v128_load32_lane(&unit[pixel[3]], value, 3);
  v128_t alpha = wasm_i32x4_shuffle(value, wasm_f32x4_splat(1.0f), 3, 3, 3, 4);
  return wasm_f32x4_mul(value, alpha);
}

/* sum += tap · weight in double: channels 0–1 in `low`, 2–3 in `high`. */
static inline void add_tap(v128_t *low, v128_t *high, v128_t tap, float weight) {
  v128_t w = wasm_f64x2_splat((double)weight);
  *low = wasm_f64x2_add(*low, wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(tap), w));
  *high = wasm_f64x2_add(*high, wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(tap, tap, 2, 3, 0, 1)), w));
}

/* add_tap for an opaque pixel: alpha 1 premultiplies nothing, so the widened units serve directly. */
static inline void add_opaque_tap(v128_t *low, v128_t *high, const uint8_t *pixel, float weight) {
  v128_t w = wasm_f64x2_splat((double)weight);
  v128_t rg = wasm_v128_load64_lane(&unit_wide[pixel[1]], wasm_v128_load64_zero(&unit_wide[pixel[0]]), 1);
  v128_t ba = wasm_v128_load64_lane(&unit_wide[pixel[2]], wasm_f64x2_splat(1.0), 0);
  *low = wasm_f64x2_add(*low, wasm_f64x2_mul(rg, w));
  *high = wasm_f64x2_add(*high, wasm_f64x2_mul(ba, w));
}

/*
 * row0, row1: the two source rows (RGBA bytes); x0, x1: byte offsets of each
 * output column's left and right taps in them; wx0, wx1, wy0, wy1: float32
 * weights; out: count RGBA pixels.
 */
void bilinear_row(const uint8_t *row0, const uint8_t *row1, float wy0, float wy1,
                  const int32_t *x0, const int32_t *x1, const float *wx0, const float *wx1,
                  int32_t count, uint8_t *out) {
  const v128_t to_byte_scale = wasm_f32x4_splat(255.0f);
  for (int32_t i = 0; i < count; i++, out += 4) {
    const uint8_t *p00 = row0 + x0[i], *p01 = row0 + x1[i], *p10 = row1 + x0[i], *p11 = row1 + x1[i];
    const float w00 = wy0 * wx0[i], w01 = wy0 * wx1[i], w10 = wy1 * wx0[i], w11 = wy1 * wx1[i];
    v128_t low = wasm_f64x2_splat(0.0);
    v128_t high = wasm_f64x2_splat(0.0);
    if ((p00[3] & p01[3] & p10[3] & p11[3]) == 255) {
      add_opaque_tap(&low, &high, p00, w00);
      add_opaque_tap(&low, &high, p01, w01);
      add_opaque_tap(&low, &high, p10, w10);
      add_opaque_tap(&low, &high, p11, w11);
    } else {
      add_tap(&low, &high, premultiplied(p00), w00);
      add_tap(&low, &high, premultiplied(p01), w01);
      add_tap(&low, &high, premultiplied(p10), w10);
      add_tap(&low, &high, premultiplied(p11), w11);
    }
    v128_t value = wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(low), wasm_f32x4_demote_f64x2_zero(high), 0, 1, 4, 5);
    if (wasm_f32x4_extract_lane(value, 3) != 1.0f) {
      /* Colour / alpha, alpha kept. Alpha 0 comes with colour 0, and 0/0 truncates to 0 below. */
      v128_t alpha = wasm_i32x4_shuffle(value, value, 3, 3, 3, 3);
      value = wasm_i32x4_shuffle(wasm_f32x4_div(value, alpha), value, 0, 1, 2, 7);
    }
    /* trunc_sat then the saturating narrows clip to 0–255, as toByte does. */
    v128_t ints = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_mul(value, to_byte_scale));
    v128_t shorts = wasm_i16x8_narrow_i32x4(ints, ints);
    wasm_v128_store32_lane(out, wasm_u8x16_narrow_i16x8(shorts, shorts), 0);
  }
}

/*
 * Step 7, Pillow 9.4's integer alpha_composite, for one row: `src` RGBA
 * over `dst` RGB (opaque) or RGBA, in place. Four opaque source pixels at a
 * time are a byte shuffle; everything else takes Pillow's arithmetic.
 */
#define PRECISION_BITS 7

static inline uint32_t shift_div255(uint32_t x) { return ((x >> 8) + x) >> 8; }

/* Colour of a source pixel with 0 < sa < 255 over a destination of alpha da; returns the alpha ×255. */
static inline uint32_t blend(const uint8_t *src, uint8_t *dst, uint32_t sa, uint32_t da) {
  const uint32_t out_alpha = sa * 255 + da * (255 - sa);
  const uint32_t coef1 = sa * 255 * 255 * (1 << PRECISION_BITS) / out_alpha;
  const uint32_t coef2 = 255 * (1 << PRECISION_BITS) - coef1;
  const uint32_t round = 0x80 << PRECISION_BITS;
  for (int c = 0; c < 3; c++) dst[c] = (uint8_t)(shift_div255(src[c] * coef1 + dst[c] * coef2 + round) >> PRECISION_BITS);
  return out_alpha;
}

static inline void pixel_over(const uint8_t *src, uint8_t *dst, int32_t channels) {
  const uint32_t sa = src[3];
  if (sa == 255) {
    dst[0] = src[0];
    dst[1] = src[1];
    dst[2] = src[2];
    if (channels == 4) dst[3] = 255;
  } else if (sa != 0) {
    const uint32_t out_alpha = blend(src, dst, sa, channels == 4 ? dst[3] : 255);
    if (channels == 4) dst[3] = (uint8_t)shift_div255(out_alpha + 0x80);
  }
}

static inline int all_opaque(v128_t pixels) {
  const v128_t alpha = wasm_i32x4_splat((int32_t)0xff000000);
  return wasm_i32x4_all_true(wasm_i32x4_eq(wasm_v128_and(pixels, alpha), alpha));
}

void composite_row(const uint8_t *src, uint8_t *dst, int32_t count, int32_t channels) {
  const v128_t rgb_of_rgba = wasm_i8x16_make(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
  int32_t i = 0;
  for (; i + 4 <= count; i += 4, src += 16, dst += 4 * channels) {
    const v128_t pixels = wasm_v128_load(src);
    if (!all_opaque(pixels)) {
      for (int k = 0; k < 4; k++) pixel_over(src + 4 * k, dst + channels * k, channels);
    } else if (channels == 4) {
      wasm_v128_store(dst, pixels);
    } else {
      const v128_t rgb = wasm_i8x16_swizzle(pixels, rgb_of_rgba);
      wasm_v128_store64_lane(dst, rgb, 0);
      wasm_v128_store32_lane(dst + 8, rgb, 2);
    }
  }
  for (; i < count; i++, src += 4, dst += channels) pixel_over(src, dst, channels);
}
