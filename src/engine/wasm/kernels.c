/*
 * The pixel loops that dominate a render, compiled to WebAssembly SIMD. Each
 * does exactly the arithmetic of the JavaScript it replaced, which the tests
 * keep as the oracle (test/helpers/).
 *
 * bilinear_row: the inner loop of the bilinear resampler, one output row, with the exact
 * numbers of torch 1.13's channels-last kernel (see src/engine/resample.ts):
 * premultiplied float32 taps, float32 weights λy·λx, each 4-tap sum taken in
 * double in tap order and rounded to float32 once, colour divided by alpha in
 * float32, bytes from trunc(float32(255·v)) clipped to 0–255. Flat pixels
 * reach the same numbers by a shorter road (bilinear_row_flat).
 *
 * WebAssembly has no fused multiply-add and no fast-math, so every product
 * and sum rounds exactly as written here. Rebuild: node tools/wasm/build.mjs
 */
#include <stdint.h>
#include <wasm_simd128.h>

/* float32(c / 255), the reference's uint8 / 255.0, and the same value widened; c / 255 in double, as the mockup's JavaScript divides. */
static float unit[256];
static double unit_wide[256];
static double unit64[256];

void init(void) {
  for (int c = 0; c < 256; c++) {
    unit[c] = (float)((double)c / 255.0);
    unit_wide[c] = unit[c];
    unit64[c] = (double)c / 255.0;
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

/* Colour divided by alpha unless alpha is 1, then trunc(float32(255·v)) clipped to 0–255, as toByte. */
static inline void store_unpremultiplied(v128_t value, uint8_t *out) {
  if (wasm_f32x4_extract_lane(value, 3) != 1.0f) {
    /* Alpha 0 comes with colour 0, and 0/0 truncates to 0 below. */
    v128_t alpha = wasm_i32x4_shuffle(value, value, 3, 3, 3, 3);
    value = wasm_i32x4_shuffle(wasm_f32x4_div(value, alpha), value, 0, 1, 2, 7);
  }
  /* trunc_sat then the saturating narrows clip to 0–255. */
  v128_t ints = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_mul(value, wasm_f32x4_splat(255.0f)));
  v128_t shorts = wasm_i16x8_narrow_i32x4(ints, ints);
  wasm_v128_store32_lane(out, wasm_u8x16_narrow_i16x8(shorts, shorts), 0);
}

/*
 * A flat pixel's sums may be taken as one product, premultiplied tap × W,
 * where W is the sum of its weights, when its four taps are the same pixel and
 * every weight is 0 or at least 2^-5. Such weights are multiples of 2^-28 and
 * W < 2, so every partial sum of them has at most 29 significant bits; times
 * a float32 tap (24 bits) it is exact in double. Each of the reference's
 * double additions is then exact, and its sum is exactly tap × W, which one
 * double product gives. Flat regions, the bulk of logos and mockup art, take
 * this path.
 */
static inline int is_flat(uint32_t p00, uint32_t p01, uint32_t p10, uint32_t p11, v128_t weights) {
  const v128_t exact = wasm_v128_or(wasm_f32x4_eq(weights, wasm_f32x4_splat(0.0f)), wasm_f32x4_ge(weights, wasm_f32x4_splat(0x1p-5f)));
  return p00 == p01 && p00 == p10 && p00 == p11 && wasm_i32x4_all_true(exact);
}

static inline uint32_t load_pixel(const uint8_t *p) {
  uint32_t pixel;
  __builtin_memcpy(&pixel, p, 4);
  return pixel;
}

/* One output pixel from its four taps, as the reference sums them; always inlined, as a call per pixel costs a third. */
__attribute__((always_inline)) static inline void bilinear_pixel(const uint8_t *p00, const uint8_t *p01, const uint8_t *p10, const uint8_t *p11,
                                                                 float w00, float w01, float w10, float w11, uint8_t *out) {
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
  store_unpremultiplied(wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(low), wasm_f32x4_demote_f64x2_zero(high), 0, 1, 4, 5), out);
}

/*
 * row0, row1: the two source rows (RGBA bytes); x0, x1: byte offsets of each
 * output column's left and right taps in them; wx0, wx1, wy0, wy1: float32
 * weights; out: count RGBA pixels.
 */
void bilinear_row(const uint8_t *row0, const uint8_t *row1, float wy0, float wy1,
                  const int32_t *x0, const int32_t *x1, const float *wx0, const float *wx1,
                  int32_t count, uint8_t *out) {
  for (int32_t i = 0; i < count; i++, out += 4) {
    bilinear_pixel(row0 + x0[i], row0 + x1[i], row1 + x0[i], row1 + x1[i], wy0 * wx0[i], wy0 * wx1[i], wy1 * wx0[i], wy1 * wx1[i], out);
  }
}

/*
 * bilinear_row for rows with flat pixels, which take their one-product path.
 * Looking for them slows the other pixels by 10–20%, so the driver chooses
 * between the two loops with bilinear_flat_count.
 */
void bilinear_row_flat(const uint8_t *row0, const uint8_t *row1, float wy0, float wy1,
                       const int32_t *x0, const int32_t *x1, const float *wx0, const float *wx1,
                       int32_t count, uint8_t *out) {
  const v128_t wy = wasm_f32x4_make(wy0, wy0, wy1, wy1);
  /* A flat pixel's bytes depend on its colour and W alone: runs of them repeat the last. */
  uint32_t flat_pixel = 0, flat_out = 0;
  double flat_weight = -1.0;
  for (int32_t i = 0; i < count; i++, out += 4) {
    const uint8_t *p00 = row0 + x0[i], *p01 = row0 + x1[i], *p10 = row1 + x0[i], *p11 = row1 + x1[i];
    /* λy·λx in float32, in tap order: w00, w01, w10, w11. */
    const v128_t weights = wasm_f32x4_mul(wy, wasm_f32x4_make(wx0[i], wx1[i], wx0[i], wx1[i]));
    const uint32_t pixel = load_pixel(p00);
    if (is_flat(pixel, load_pixel(p01), load_pixel(p10), load_pixel(p11), weights)) {
      const v128_t pairs = wasm_f64x2_add(wasm_f64x2_promote_low_f32x4(weights), wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(weights, weights, 2, 3, 0, 1)));
      const double sum = wasm_f64x2_extract_lane(pairs, 0) + wasm_f64x2_extract_lane(pairs, 1);
      if (pixel != flat_pixel || sum != flat_weight) {
        const v128_t tap = premultiplied(p00);
        const v128_t w = wasm_f64x2_splat(sum);
        const v128_t low = wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(tap), w);
        const v128_t high = wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(tap, tap, 2, 3, 0, 1)), w);
        store_unpremultiplied(wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(low), wasm_f32x4_demote_f64x2_zero(high), 0, 1, 4, 5), (uint8_t *)&flat_out);
        flat_pixel = pixel;
        flat_weight = sum;
      }
      __builtin_memcpy(out, &flat_out, 4);
      continue;
    }
    bilinear_pixel(p00, p01, p10, p11, wasm_f32x4_extract_lane(weights, 0), wasm_f32x4_extract_lane(weights, 1),
                   wasm_f32x4_extract_lane(weights, 2), wasm_f32x4_extract_lane(weights, 3), out);
  }
}

/* How many of a row's output pixels have four equal taps, flat or not by their weights. */
int32_t bilinear_flat_count(const uint8_t *row0, const uint8_t *row1, const int32_t *x0, const int32_t *x1, int32_t count) {
  int32_t flat = 0;
  for (int32_t i = 0; i < count; i++) {
    const uint32_t pixel = load_pixel(row0 + x0[i]);
    flat += ((pixel ^ load_pixel(row0 + x1[i])) | (pixel ^ load_pixel(row1 + x0[i])) | (pixel ^ load_pixel(row1 + x1[i]))) == 0;
  }
  return flat;
}

/*
 * nearest-exact, one output row: each pixel is one source pixel through the
 * reference's premultiplied float32 round trip. row: the source row (RGBA
 * bytes); x: byte offset of each output column's source pixel in it. Runs of
 * one source pixel, as in enlargements and flat regions, repeat the last result.
 */
void nearest_row(const uint8_t *row, const int32_t *x, int32_t count, uint8_t *out) {
  uint32_t last_pixel = 0, last_out;
  store_unpremultiplied(premultiplied((const uint8_t *)&last_pixel), (uint8_t *)&last_out);
  for (int32_t i = 0; i < count; i++, out += 4) {
    const uint32_t pixel = load_pixel(row + x[i]);
    if (pixel != last_pixel) {
      store_unpremultiplied(premultiplied(row + x[i]), (uint8_t *)&last_out);
      last_pixel = pixel;
    }
    __builtin_memcpy(out, &last_out, 4);
  }
}

/*
 * area (adaptive average pooling), torch 1.13's numbers: each window summed
 * in float32, source row by source row and left to right, then divided by its
 * height and then by its width. area_add_row adds one source row (RGBA
 * bytes) to every output column's running sums; x0, x1: byte offsets of each
 * column's window in it.
 */
void area_add_row(const uint8_t *row, const int32_t *x0, const int32_t *x1, int32_t count, float *sums) {
  for (int32_t i = 0; i < count; i++, sums += 4) {
    v128_t sum = wasm_v128_load(sums);
    for (const uint8_t *p = row + x0[i], *end = row + x1[i]; p < end; p += 4) sum = wasm_f32x4_add(sum, premultiplied(p));
    wasm_v128_store(sums, sum);
  }
}

/* The sums of one output row, divided by the window's height kh and each column's width kw, as bytes. */
void area_store(const float *sums, float kh, const float *kw, int32_t count, uint8_t *out) {
  const v128_t height = wasm_f32x4_splat(kh);
  for (int32_t i = 0; i < count; i++, sums += 4, out += 4) {
    store_unpremultiplied(wasm_f32x4_div(wasm_f32x4_div(wasm_v128_load(sums), height), wasm_f32x4_splat(kw[i])), out);
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

/*
 * Step 5, Pillow 9.4's rotate(resample=BICUBIC) on "RGBa": 8-bit
 * premultiplied colour, cubic convolution with a = −1 in double, bytes
 * clipped by truncation, then back to RGBA. MULDIV255 and the truncating
 * division are Pillow's; the tests hold these to the former JavaScript.
 */
static inline uint32_t muldiv255(uint32_t a, uint32_t b) { return shift_div255(a * b + 128); }

/* RGBA -> "RGBa" in place, eight channels at a time in 16-bit lanes (a·c + 128 + 254 < 2^16). */
void premultiply_rgba(uint8_t *data, int32_t count) {
  const v128_t alpha_lanes = wasm_i16x8_make(0, 0, 0, -1, 0, 0, 0, -1);
  const v128_t half = wasm_i16x8_splat(128);
  int32_t i = 0;
  for (; i + 2 <= count; i += 2, data += 8) {
    const v128_t c = wasm_u16x8_load8x8(data);
    const v128_t a = wasm_i16x8_shuffle(c, c, 3, 3, 3, 3, 7, 7, 7, 7);
    const v128_t t = wasm_i16x8_add(wasm_i16x8_mul(c, a), half);
    const v128_t p = wasm_u16x8_shr(wasm_i16x8_add(wasm_u16x8_shr(t, 8), t), 8);
    const v128_t out = wasm_v128_bitselect(c, p, alpha_lanes);
    wasm_v128_store64_lane(data, wasm_u8x16_narrow_i16x8(out, out), 0);
  }
  for (; i < count; i++, data += 4) {
    for (int k = 0; k < 3; k++) data[k] = (uint8_t)muldiv255(data[k], data[3]);
  }
}

/* "RGBa" -> RGBA for one pixel: 255·c / a truncated, as Pillow's rgba2rgbA. */
static inline void unpremultiply_pixel(uint8_t *pixel) {
  const uint32_t a = pixel[3];
  if (a == 0 || a == 255) return;
  for (int k = 0; k < 3; k++) {
    const uint32_t c = 255 * (uint32_t)pixel[k] / a;
    pixel[k] = (uint8_t)(c > 255 ? 255 : c);
  }
}

void unpremultiply_rgba(uint8_t *data, int32_t count) {
  for (int32_t i = 0; i < count; i++, data += 4) unpremultiply_pixel(data);
}

/* The cubic's last step on two bands, given its coefficients: p1 + d·(p2 + d·(p3 + d·p4)). */
static inline v128_t horner2(v128_t p1, v128_t p2, v128_t p3, v128_t p4, v128_t d) {
  return wasm_f64x2_add(p1, wasm_f64x2_mul(d, wasm_f64x2_add(p2, wasm_f64x2_mul(d, wasm_f64x2_add(p3, wasm_f64x2_mul(d, p4))))));
}

/* Pillow's BICUBIC macro on two bands at once, its operations in its order. */
static inline v128_t cubic2(v128_t v1, v128_t v2, v128_t v3, v128_t v4, v128_t d) {
  const v128_t p2 = wasm_f64x2_add(wasm_f64x2_neg(v1), v3);
  const v128_t p3 = wasm_f64x2_sub(wasm_f64x2_add(wasm_f64x2_mul(wasm_f64x2_splat(2.0), wasm_f64x2_sub(v1, v2)), v3), v4);
  const v128_t p4 = wasm_f64x2_add(wasm_f64x2_sub(wasm_f64x2_add(wasm_f64x2_neg(v1), v2), v3), v4);
  return horner2(v2, p2, p3, p4, d);
}

static inline v128_t low_bands(v128_t ints) { return wasm_f64x2_convert_low_i32x4(ints); }
static inline v128_t high_bands(v128_t ints) { return wasm_f64x2_convert_low_i32x4(wasm_i32x4_shuffle(ints, ints, 2, 3, 0, 1)); }

/*
 * Four RGBa pixels (16 bytes) convolved along the row: bands 0–1 in `lo`,
 * 2–3 in `hi`. With whole-number samples, cubic2's p2, p3 and p4 are exact
 * small integers, so they are formed on all four bands in 32-bit lanes.
 */
static inline void cubic_along_row(v128_t pixels, v128_t dx, v128_t *lo, v128_t *hi) {
  const v128_t w01 = wasm_u16x8_extend_low_u8x16(pixels), w23 = wasm_u16x8_extend_high_u8x16(pixels);
  const v128_t v1 = wasm_u32x4_extend_low_u16x8(w01), v2 = wasm_u32x4_extend_high_u16x8(w01);
  const v128_t v3 = wasm_u32x4_extend_low_u16x8(w23), v4 = wasm_u32x4_extend_high_u16x8(w23);
  const v128_t p2 = wasm_i32x4_sub(v3, v1);
  const v128_t p3 = wasm_i32x4_sub(wasm_i32x4_add(wasm_i32x4_shl(wasm_i32x4_sub(v1, v2), 1), v3), v4);
  const v128_t p4 = wasm_i32x4_add(wasm_i32x4_sub(wasm_i32x4_sub(v2, v1), v3), v4);
  *lo = horner2(low_bands(v2), low_bands(p2), low_bands(p3), low_bands(p4), dx);
  *hi = horner2(high_bands(v2), high_bands(p2), high_bands(p3), high_bands(p4), dx);
}

static inline int32_t clamp_index(int32_t i, int32_t size) { return i < 0 ? 0 : i >= size ? size - 1 : i; }

/*
 * One row of the turned canvas: output pixels (u0 .. u0+count-1, v), RGBA.
 * `src` holds the overlay's premultiplied pixels from (left, top), `stride`
 * bytes a row; width × height is the whole overlay, which the taps are
 * clamped to. Output centre (u+½, v+½) maps to the source through
 * x = a·u' + b·v' + c, y = d·u' + e·v' + f.
 */
void rotate_row(const uint8_t *src, int32_t stride, int32_t left, int32_t top, int32_t width, int32_t height,
                double a, double b, double c, double d, double e, double f,
                int32_t v, int32_t u0, int32_t count, uint8_t *out) {
  const double yin0 = v + 0.5;
  for (int32_t i = 0; i < count; i++, out += 4) {
    const double xin0 = (u0 + i) + 0.5;
    double xin = a * xin0 + b * yin0 + c;
    double yin = d * xin0 + e * yin0 + f;
    if (xin < 0 || xin >= width || yin < 0 || yin >= height) {
      wasm_v128_store32_lane(out, wasm_i32x4_splat(0), 0);
      continue;
    }
    xin -= 0.5;
    yin -= 0.5;
    const double fx = __builtin_floor(xin), fy = __builtin_floor(yin);
    const int32_t x = (int32_t)fx, y = (int32_t)fy;
    const v128_t dx = wasm_f64x2_splat(xin - fx), dy = wasm_f64x2_splat(yin - fy);
    v128_t lo[4], hi[4];
    if (x >= 1 && x + 2 < width && y >= 1 && y + 2 < height) {
      const uint8_t *p = src + (y - 1 - top) * stride + (x - 1 - left) * 4;
      /*
       * Sixteen equal taps: every cubic coefficient but the first is exactly
       * 0, in integers along the rows and then in double down the column, so
       * the value is the pixel itself. Flat regions of logos take this path.
       */
      const v128_t first = wasm_v128_load(p);
      const v128_t pixel = wasm_i32x4_shuffle(first, first, 0, 0, 0, 0);
      if (wasm_i32x4_all_true(wasm_i32x4_eq(first, pixel)) &&
          wasm_i32x4_all_true(wasm_v128_and(wasm_i32x4_eq(wasm_v128_load(p + stride), pixel),
                                            wasm_v128_and(wasm_i32x4_eq(wasm_v128_load(p + 2 * stride), pixel), wasm_i32x4_eq(wasm_v128_load(p + 3 * stride), pixel))))) {
        wasm_v128_store32_lane(out, pixel, 0);
        unpremultiply_pixel(out);
        continue;
      }
      for (int r = 0; r < 4; r++, p += stride) cubic_along_row(wasm_v128_load(p), dx, &lo[r], &hi[r]);
    } else {
      int32_t xs[4];
      for (int t = 0; t < 4; t++) xs[t] = (clamp_index(x - 1 + t, width) - left) * 4;
      for (int r = 0; r < 4; r++) {
        const uint8_t *row = src + (clamp_index(y - 1 + r, height) - top) * stride;
        v128_t pixels = wasm_v128_load32_zero(row + xs[0]);
        pixels = wasm_v128_load32_lane(row + xs[1], pixels, 1);
        pixels = wasm_v128_load32_lane(row + xs[2], pixels, 2);
        pixels = wasm_v128_load32_lane(row + xs[3], pixels, 3);
        cubic_along_row(pixels, dx, &lo[r], &hi[r]);
      }
    }
    const v128_t value_lo = cubic2(lo[0], lo[1], lo[2], lo[3], dy);
    const v128_t value_hi = cubic2(hi[0], hi[1], hi[2], hi[3], dy);
    /* value <= 0 -> 0, value >= 255 -> 255, else truncated. */
    v128_t ints = wasm_i32x4_shuffle(wasm_i32x4_trunc_sat_f64x2_zero(value_lo), wasm_i32x4_trunc_sat_f64x2_zero(value_hi), 0, 1, 4, 5);
    ints = wasm_i32x4_min(wasm_i32x4_max(ints, wasm_i32x4_splat(0)), wasm_i32x4_splat(255));
    const v128_t shorts = wasm_i16x8_narrow_i32x4(ints, ints);
    wasm_v128_store32_lane(out, wasm_u8x16_narrow_i16x8(shorts, shorts), 0);
    unpremultiply_pixel(out);
  }
}

/*
 * Step 3a, Pillow 9.4's mask to "L": alpha flattened onto opaque black
 * (alpha_composite's arithmetic with 7 bits of precision, where black adds
 * nothing), then ITU-R 601 luma (19595 R + 38470 G + 7471 B + 2^15) >> 16.
 * Four RGBA pixels at a time, each channel in 32-bit lanes.
 */
static inline v128_t over_black(v128_t c, v128_t a, v128_t opaque) {
  const v128_t t = wasm_i32x4_add(wasm_i32x4_shl(wasm_i32x4_mul(c, a), 7), wasm_i32x4_splat(0x80 << 7));
  const v128_t v = wasm_u32x4_shr(wasm_u32x4_shr(wasm_i32x4_add(wasm_u32x4_shr(t, 8), t), 8), 7);
  return wasm_v128_bitselect(c, v, opaque);
}

void mask_luma(const uint8_t *rgba, int32_t count, uint8_t *out) {
  const v128_t red = wasm_i8x16_make(0, -1, -1, -1, 4, -1, -1, -1, 8, -1, -1, -1, 12, -1, -1, -1);
  const v128_t green = wasm_i8x16_make(1, -1, -1, -1, 5, -1, -1, -1, 9, -1, -1, -1, 13, -1, -1, -1);
  const v128_t blue = wasm_i8x16_make(2, -1, -1, -1, 6, -1, -1, -1, 10, -1, -1, -1, 14, -1, -1, -1);
  const v128_t alpha = wasm_i8x16_make(3, -1, -1, -1, 7, -1, -1, -1, 11, -1, -1, -1, 15, -1, -1, -1);
  int32_t i = 0;
  for (; i + 4 <= count; i += 4, rgba += 16, out += 4) {
    const v128_t pixels = wasm_v128_load(rgba);
    const v128_t a = wasm_i8x16_swizzle(pixels, alpha);
    const v128_t opaque = wasm_i32x4_eq(a, wasm_i32x4_splat(255));
    const v128_t r = over_black(wasm_i8x16_swizzle(pixels, red), a, opaque);
    const v128_t g = over_black(wasm_i8x16_swizzle(pixels, green), a, opaque);
    const v128_t b = over_black(wasm_i8x16_swizzle(pixels, blue), a, opaque);
    v128_t luma = wasm_i32x4_add(wasm_i32x4_mul(r, wasm_i32x4_splat(19595)), wasm_i32x4_mul(g, wasm_i32x4_splat(38470)));
    luma = wasm_u32x4_shr(wasm_i32x4_add(wasm_i32x4_add(luma, wasm_i32x4_mul(b, wasm_i32x4_splat(7471))), wasm_i32x4_splat(0x8000)), 16);
    const v128_t shorts = wasm_i16x8_narrow_i32x4(luma, luma);
    wasm_v128_store32_lane(out, wasm_u8x16_narrow_i16x8(shorts, shorts), 0);
  }
  for (; i < count; i++, rgba += 4, out++) {
    const uint32_t a = rgba[3];
    uint32_t c[3];
    for (int k = 0; k < 3; k++) {
      const uint32_t t = rgba[k] * a * 128 + (0x80 << 7);
      c[k] = a == 255 ? rgba[k] : shift_div255(t) >> 7;
    }
    *out = (uint8_t)((c[0] * 19595 + c[1] * 38470 + c[2] * 7471 + 0x8000) >> 16);
  }
}

/*
 * Step 3b, Pillow 9.4's fixed-point resize of the "L" mask (ImagingResample,
 * 8 bpc): each output is 2^21 plus the sum of its taps' pixel · coefficient,
 * then clip8: the sum shifted right by 22 and clipped to 0–255. The sums are
 * whole numbers under 2^31, so their order does not matter.
 * bounds: per output, the first tap and the tap count; weights: per output,
 * `stride` coefficients (a multiple of 4, zero past the count). `in` has 16
 * readable bytes past its end, which meet only zero coefficients.
 */
#define FIXED_HALF (1 << 21)

static inline int32_t clip8(int32_t v) {
  v >>= 22;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

void resample_horizontal(const uint8_t *in, int32_t in_width, int32_t rows, uint8_t *out, int32_t out_width,
                         const int32_t *bounds, const int32_t *weights, int32_t stride) {
  for (int32_t y = 0; y < rows; y++, in += in_width) {
    for (int32_t i = 0; i < out_width; i++, out++) {
      const uint8_t *p = in + bounds[2 * i];
      const int32_t *k = weights + i * stride;
      v128_t acc = wasm_i32x4_splat(0);
      for (int32_t t = 0; t < bounds[2 * i + 1]; t += 4) {
        const v128_t pixels = wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(p + t)));
        acc = wasm_i32x4_add(acc, wasm_i32x4_mul(pixels, wasm_v128_load(k + t)));
      }
      acc = wasm_i32x4_add(acc, wasm_i32x4_shuffle(acc, acc, 2, 3, 0, 1));
      acc = wasm_i32x4_add(acc, wasm_i32x4_shuffle(acc, acc, 1, 0, 3, 2));
      *out = (uint8_t)clip8(FIXED_HALF + wasm_i32x4_extract_lane(acc, 0));
    }
  }
}

/* Eight columns at a time: two lanes of sums per four. */
void resample_vertical(const uint8_t *in, int32_t width, uint8_t *out, int32_t out_height,
                       const int32_t *bounds, const int32_t *weights, int32_t stride) {
  for (int32_t i = 0; i < out_height; i++) {
    const uint8_t *first = in + bounds[2 * i] * width;
    const int32_t count = bounds[2 * i + 1];
    const int32_t *k = weights + i * stride;
    int32_t x = 0;
    for (; x + 8 <= width; x += 8, out += 8) {
      v128_t low = wasm_i32x4_splat(FIXED_HALF), high = low;
      const uint8_t *p = first + x;
      for (int32_t t = 0; t < count; t++, p += width) {
        const v128_t pixels = wasm_u16x8_load8x8(p);
        const v128_t w = wasm_i32x4_splat(k[t]);
        low = wasm_i32x4_add(low, wasm_i32x4_mul(wasm_u32x4_extend_low_u16x8(pixels), w));
        high = wasm_i32x4_add(high, wasm_i32x4_mul(wasm_u32x4_extend_high_u16x8(pixels), w));
      }
      const v128_t shorts = wasm_i16x8_narrow_i32x4(wasm_i32x4_shr(low, 22), wasm_i32x4_shr(high, 22));
      wasm_v128_store64_lane(out, wasm_u8x16_narrow_i16x8(shorts, shorts), 0);
    }
    for (; x < width; x++, out++) {
      int32_t acc = FIXED_HALF;
      for (int32_t t = 0; t < count; t++) acc += first[t * width + x] * k[t];
      *out = (uint8_t)clip8(acc);
    }
  }
}

/*
 * PNG decoding (filter method 0, PNG spec section 9) for 8-bit RGB or RGBA,
 * `bpp` 3 or 4 bytes a pixel. Unfilters `rows` rows, each a filter-type byte
 * and `row_bytes` filtered bytes, from `in` into consecutive rows of `out`;
 * `prev` is the unfiltered row before the first (zeros above an image's top).
 * Returns how many rows it unfiltered: fewer than `rows` if a row names a
 * filter type that does not exist. Pixels move four bytes at a time, so `in`,
 * `out` and `prev` need 3 readable (and `out` writable) bytes past their ends;
 * the byte past an RGB pixel is rewritten by the next one.
 */
static inline v128_t pixel_at(const uint8_t *p) { return wasm_v128_load32_zero(p); }

static void unfilter_up(const uint8_t *x, const uint8_t *up, uint8_t *out, int32_t row_bytes) {
  int32_t i = 0;
  for (; i + 16 <= row_bytes; i += 16) wasm_v128_store(out + i, wasm_i8x16_add(wasm_v128_load(x + i), wasm_v128_load(up + i)));
  for (; i < row_bytes; i++) out[i] = (uint8_t)(x[i] + up[i]);
}

static void unfilter_sub(const uint8_t *x, uint8_t *out, int32_t row_bytes, int32_t bpp) {
  v128_t left = wasm_i32x4_splat(0);
  for (int32_t i = 0; i < row_bytes; i += bpp) {
    left = wasm_i8x16_add(pixel_at(x + i), left);
    wasm_v128_store32_lane(out + i, left, 0);
  }
}

/* x + floor((left + up) / 2): avgr rounds halves up, so take back the odd sums' 1. */
static void unfilter_average(const uint8_t *x, const uint8_t *up, uint8_t *out, int32_t row_bytes, int32_t bpp) {
  const v128_t one = wasm_i8x16_splat(1);
  v128_t left = wasm_i32x4_splat(0);
  for (int32_t i = 0; i < row_bytes; i += bpp) {
    const v128_t above = pixel_at(up + i);
    const v128_t mean = wasm_i8x16_sub(wasm_u8x16_avgr(left, above), wasm_v128_and(wasm_v128_xor(left, above), one));
    left = wasm_i8x16_add(pixel_at(x + i), mean);
    wasm_v128_store32_lane(out + i, left, 0);
  }
}

/*
 * The Paeth predictor, pa <= pb && pa <= pc ? a : pb <= pc ? b : c, in the
 * equivalent form that stb_image uses because its dependencies are short:
 * with t = 3c - (a + b), lo = min(a, b) and hi = max(a, b), it is
 * t >= lo ? hi : hi > t ? c : lo. The pixel to the left stays in 16-bit lanes
 * from one pixel to the next, so the chain through it has no widening.
 */
static void unfilter_paeth(const uint8_t *x, const uint8_t *up, uint8_t *out, int32_t row_bytes, int32_t bpp) {
  const v128_t low_byte = wasm_i16x8_splat(0xff);
  v128_t a = wasm_i16x8_splat(0), c = a;
  for (int32_t i = 0; i < row_bytes; i += bpp) {
    const v128_t b = wasm_u16x8_extend_low_u8x16(pixel_at(up + i));
    const v128_t filtered = wasm_u16x8_extend_low_u8x16(pixel_at(x + i));
    const v128_t t = wasm_i16x8_sub(wasm_i16x8_add(c, wasm_i16x8_add(c, c)), wasm_i16x8_add(a, b));
    const v128_t lo = wasm_i16x8_min(a, b);
    const v128_t hi = wasm_i16x8_max(a, b);
    const v128_t between = wasm_v128_bitselect(c, lo, wasm_i16x8_gt(hi, t));
    const v128_t predictor = wasm_v128_bitselect(between, hi, wasm_i16x8_gt(t, lo));
    a = wasm_v128_and(wasm_i16x8_add(filtered, predictor), low_byte);
    wasm_v128_store32_lane(out + i, wasm_u8x16_narrow_i16x8(a, a), 0);
    c = b;
  }
}

int32_t png_unfilter(const uint8_t *in, uint8_t *out, const uint8_t *prev, int32_t rows, int32_t row_bytes, int32_t bpp) {
  for (int32_t y = 0; y < rows; y++, in += row_bytes + 1, prev = out, out += row_bytes) {
    const uint8_t *x = in + 1;
    switch (in[0]) {
      case 0: __builtin_memcpy(out, x, (uint32_t)row_bytes); break;
      case 1: unfilter_sub(x, out, row_bytes, bpp); break;
      case 2: unfilter_up(x, prev, out, row_bytes); break;
      case 3: unfilter_average(x, prev, out, row_bytes, bpp); break;
      case 4: unfilter_paeth(x, prev, out, row_bytes, bpp); break;
      default: return y;
    }
  }
  return rows;
}

/* RGB to RGBA with alpha 255, four pixels at a time: `rgb` needs 4 readable bytes past its end. */
void rgb_to_rgba(const uint8_t *rgb, int32_t count, uint8_t *rgba) {
  const v128_t spread = wasm_i8x16_make(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1);
  const v128_t opaque = wasm_i32x4_splat((int32_t)0xff000000);
  int32_t i = 0;
  for (; i + 4 <= count; i += 4, rgb += 12, rgba += 16) {
    wasm_v128_store(rgba, wasm_v128_or(wasm_i8x16_swizzle(wasm_v128_load(rgb), spread), opaque));
  }
  for (; i < count; i++, rgb += 3, rgba += 4) {
    rgba[0] = rgb[0];
    rgba[1] = rgb[1];
    rgba[2] = rgb[2];
    rgba[3] = 255;
  }
}

/*
 * The mockup (MOCKUP.md steps 4–7), in float64 as its JavaScript was, every
 * operation in the reference's order: test/helpers/warp-reference.ts and
 * blend-reference.ts. Pairs of values share an f64x2, whose lanes round
 * exactly as two scalar operations would.
 */
static inline v128_t f64x2_pair(const double *low, const double *high) { return wasm_v128_load64_lane(high, wasm_v128_load64_zero(low), 1); }

static const uint8_t transparent_pixel[4] = {0, 0, 0, 0};

/*
 * weight · tap as (r, g), (b, a): the tap premultiplied as (c/255)·(a/255),
 * its alpha as a/255. For an opaque tap a/255 is exactly 1, which premultiplies
 * nothing: `opaque` skips the products.
 */
__attribute__((always_inline)) static inline void weighted_tap64(v128_t *low, v128_t *high, const uint8_t *pixel, v128_t weight, int opaque) {
  v128_t rg = f64x2_pair(&unit64[pixel[0]], &unit64[pixel[1]]);
  v128_t ba = f64x2_pair(&unit64[pixel[2]], &unit64[pixel[3]]);
  if (!opaque) {
    const v128_t alpha = wasm_v128_load64_splat(&unit64[pixel[3]]);
    rg = wasm_f64x2_mul(rg, alpha);
    ba = wasm_f64x2_mul(ba, wasm_i64x2_shuffle(alpha, wasm_f64x2_splat(1.0), 0, 3));
  }
  *low = wasm_f64x2_mul(weight, rg);
  *high = wasm_f64x2_mul(weight, ba);
}

/* The sums (low, high) plus weight · tap. */
__attribute__((always_inline)) static inline void add_tap64(v128_t *low, v128_t *high, const uint8_t *pixel, v128_t weight, int opaque) {
  v128_t rg, ba;
  weighted_tap64(&rg, &ba, pixel, weight, opaque);
  *low = wasm_f64x2_add(*low, rg);
  *high = wasm_f64x2_add(*high, ba);
}

/* The four taps' sums, in the reference's order. The reference starts them at 0, and 0 + w·t is w·t, as w·t is at least +0. */
__attribute__((always_inline)) static inline void sum_taps(v128_t *low, v128_t *high, const uint8_t *p00, const uint8_t *p01, const uint8_t *p10, const uint8_t *p11,
                                                           v128_t top, v128_t bottom, int opaque) {
  weighted_tap64(low, high, p00, wasm_i64x2_shuffle(top, top, 0, 0), opaque);
  add_tap64(low, high, p01, wasm_i64x2_shuffle(top, top, 1, 1), opaque);
  add_tap64(low, high, p10, wasm_i64x2_shuffle(bottom, bottom, 0, 0), opaque);
  add_tap64(low, high, p11, wasm_i64x2_shuffle(bottom, bottom, 1, 1), opaque);
}

/*
 * Steps 4 and 6 for one sample point s = (sx, sy) in pixel-centre
 * coordinates: bilinear on premultiplied RGBA 0–1, taps outside the design
 * transparent, times `coverage`, rounded to float32 once. The reference skips
 * taps outside the design and taps of weight 0; adding them instead as +0 gives
 * the same sums, as every weight and tap is at least +0.
 */
__attribute__((always_inline)) static inline void sample_point(const uint8_t *design, int32_t width, int32_t height, v128_t s, double coverage, float *out) {
  /* False for NaN too, as where the inverse map has w = 0. */
  const v128_t inside = wasm_v128_and(wasm_f64x2_gt(s, wasm_f64x2_splat(-1.0)), wasm_f64x2_lt(s, wasm_f64x2_make((double)width, (double)height)));
  if (!(coverage > 0) || !wasm_i64x2_all_true(inside)) {
    wasm_v128_store(out, wasm_i32x4_splat(0));
    return;
  }
  const v128_t whole = wasm_f64x2_floor(s);
  const v128_t f = wasm_f64x2_sub(s, whole);
  const int32_t x0 = (int32_t)wasm_f64x2_extract_lane(whole, 0), y0 = (int32_t)wasm_f64x2_extract_lane(whole, 1);
  /* (1 − fx, fx) times 1 − fy for the top taps, fy for the bottom ones: wx · wy, as the reference's weights. */
  const v128_t wx = wasm_i64x2_shuffle(wasm_f64x2_sub(wasm_f64x2_splat(1.0), f), f, 0, 2);
  const v128_t top = wasm_f64x2_mul(wx, wasm_f64x2_splat(1.0 - wasm_f64x2_extract_lane(f, 1)));
  const v128_t bottom = wasm_f64x2_mul(wx, wasm_i64x2_shuffle(f, f, 1, 1));
  const uint8_t *p00, *p01, *p10, *p11;
  const int32_t stride = width * 4;
  /* x0 and y0 may be −1: an offset, not yet a pointer. */
  const int32_t at = y0 * stride + x0 * 4;
  if (x0 >= 0 && x0 + 1 < width && y0 >= 0 && y0 + 1 < height) {
    p00 = design + at;
    p01 = p00 + 4;
    p10 = p00 + stride;
    p11 = p10 + 4;
  } else {
    const int left = x0 >= 0, right = x0 + 1 < width, up = y0 >= 0, down = y0 + 1 < height;
    p00 = left && up ? design + at : transparent_pixel;
    p01 = right && up ? design + (at + 4) : transparent_pixel;
    p10 = left && down ? design + (at + stride) : transparent_pixel;
    p11 = right && down ? design + (at + stride + 4) : transparent_pixel;
  }
  if ((p00[3] | p01[3] | p10[3] | p11[3]) == 0) {
    wasm_v128_store(out, wasm_i32x4_splat(0));
    return;
  }
  v128_t low, high;
  if ((p00[3] & p01[3] & p10[3] & p11[3]) == 255) {
    sum_taps(&low, &high, p00, p01, p10, p11, top, bottom, 1);
  } else {
    sum_taps(&low, &high, p00, p01, p10, p11, top, bottom, 0);
  }
  const v128_t c = wasm_f64x2_splat(coverage);
  wasm_v128_store(out, wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(wasm_f64x2_mul(low, c)), wasm_f32x4_demote_f64x2_zero(wasm_f64x2_mul(high, c)), 0, 1, 4, 5));
}

/* One sample, as warp_rect takes them: 4 floats at `out`. */
void sample_bilinear(const uint8_t *design, int32_t width, int32_t height, double sx, double sy, double coverage, float *out) {
  sample_point(design, width, height, wasm_f64x2_make(sx, sy), coverage, out);
}

/* Pixels whose sample points warp_rect computes before it samples them. */
#define WARP_BLOCK 64

/*
 * Steps 4–6 for `cols` × `rows` base pixels from (x0, y0), row-major, 4
 * floats each at `out`. `layer`: the inverse homography m0..m8, the drawn
 * rectangle's origin, area units to design pixels (u, v), the opacity and
 * the displacement strength (sx, sy). `clip` and `luma`: one byte per pixel
 * of the rectangle, or 0 for none.
 */
void warp_rect(const double *layer, const uint8_t *design, int32_t width, int32_t height, const uint8_t *clip, const uint8_t *luma,
               int32_t x0, int32_t y0, int32_t cols, int32_t rows, float *out) {
  const v128_t m03 = wasm_f64x2_make(layer[0], layer[3]), m14 = wasm_f64x2_make(layer[1], layer[4]), m25 = wasm_f64x2_make(layer[2], layer[5]);
  const double m6 = layer[6], m7 = layer[7], m8 = layer[8];
  const v128_t origin = wasm_f64x2_make(layer[9], layer[10]), scale = wasm_f64x2_make(layer[11], layer[12]);
  const double opacity = layer[13];
  const v128_t shift = wasm_f64x2_make(layer[14], layer[15]);
  /*
   * A block of pixels at a time, in two loops: the sample points, then the
   * samples. Each loop's chain of dependent operations is shorter than the
   * two together, so the processor overlaps more pixels.
   */
  v128_t points[WARP_BLOCK];
  double coverages[WARP_BLOCK];
  for (int32_t row = 0, i = 0; row < rows; row++) {
    const double y = (double)(y0 + row) + 0.5;
    for (int32_t first = 0; first < cols; first += WARP_BLOCK) {
      const int32_t count = cols - first < WARP_BLOCK ? cols - first : WARP_BLOCK;
      for (int32_t k = 0; k < count; k++) {
        const int32_t at = i + k;
        const double coverage = clip ? opacity * unit64[clip[at]] : opacity;
        coverages[k] = coverage;
        /* No coverage, no sample: the map is not needed. */
        if (!(coverage > 0)) {
          points[k] = wasm_f64x2_splat(0.0);
          continue;
        }
        v128_t p = wasm_f64x2_make((double)(x0 + first + k) + 0.5, y);
        if (luma) p = wasm_f64x2_add(p, wasm_f64x2_mul(shift, wasm_f64x2_splat(((double)luma[at] - 128.0) / 128.0)));
        const double px = wasm_f64x2_extract_lane(p, 0), py = wasm_f64x2_extract_lane(p, 1);
        const double w = m6 * px + m7 * py + m8;
        const v128_t area = wasm_f64x2_div(wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_mul(m03, wasm_f64x2_splat(px)), wasm_f64x2_mul(m14, wasm_f64x2_splat(py))), m25), wasm_f64x2_splat(w));
        points[k] = wasm_f64x2_sub(wasm_f64x2_mul(wasm_f64x2_sub(area, origin), scale), wasm_f64x2_splat(0.5));
      }
      for (int32_t k = 0; k < count; k++, out += 4) sample_point(design, width, height, points[k], coverages[k], out);
      i += count;
    }
  }
}

/*
 * Step 7: the W3C separable blend modes B(Cb, Cs), in the order of the
 * engine's BLEND_MODES, on two values at once. A branch of the specification
 * is a lane select between both sides, each computed as the reference does.
 */
enum { NORMAL, MULTIPLY, SCREEN, OVERLAY, DARKEN, LIGHTEN, COLOR_DODGE, COLOR_BURN, HARD_LIGHT, SOFT_LIGHT, DIFFERENCE, EXCLUSION };

static inline v128_t splat64(double v) { return wasm_f64x2_splat(v); }

/*
 * Math.min(1, v) and Math.max(0, v) for any v, NaN and −0 included, as the
 * pseudo-min and -max (one instruction each, where min and max take several):
 * pmin(v, 1) is 1 < v ? 1 : v; pmax(v, 0) is v < 0 ? 0 : v, which keeps −0,
 * and adding +0 turns that into +0 and leaves every other value as it is.
 */
static inline v128_t min_one(v128_t v) { return wasm_f64x2_pmin(v, splat64(1.0)); }
static inline v128_t max_zero(v128_t v) { return wasm_f64x2_add(wasm_f64x2_pmax(v, splat64(0.0)), splat64(0.0)); }

/* a / b, skipped where b is 1 in both lanes: x / 1 is x, NaN and −0 included. */
static inline v128_t divide(v128_t a, v128_t b, int by_one) { return by_one ? a : wasm_f64x2_div(a, b); }

static inline v128_t screen2(v128_t cb, v128_t cs) { return wasm_f64x2_sub(wasm_f64x2_add(cb, cs), wasm_f64x2_mul(cb, cs)); }

static inline v128_t hard_light2(v128_t cb, v128_t cs) {
  const v128_t twice = wasm_f64x2_mul(splat64(2.0), cs);
  return wasm_v128_bitselect(wasm_f64x2_mul(cb, twice), screen2(cb, wasm_f64x2_sub(twice, splat64(1.0))), wasm_f64x2_le(cs, splat64(0.5)));
}

static inline v128_t soft_light2(v128_t cb, v128_t cs) {
  const v128_t d = wasm_v128_bitselect(
      wasm_f64x2_mul(wasm_f64x2_add(wasm_f64x2_mul(wasm_f64x2_sub(wasm_f64x2_mul(splat64(16.0), cb), splat64(12.0)), cb), splat64(4.0)), cb),
      wasm_f64x2_sqrt(cb), wasm_f64x2_le(cb, splat64(0.25)));
  const v128_t twice = wasm_f64x2_mul(splat64(2.0), cs);
  const v128_t darker = wasm_f64x2_sub(cb, wasm_f64x2_mul(wasm_f64x2_mul(wasm_f64x2_sub(splat64(1.0), twice), cb), wasm_f64x2_sub(splat64(1.0), cb)));
  const v128_t lighter = wasm_f64x2_add(cb, wasm_f64x2_mul(wasm_f64x2_sub(twice, splat64(1.0)), wasm_f64x2_sub(d, cb)));
  return wasm_v128_bitselect(darker, lighter, wasm_f64x2_le(cs, splat64(0.5)));
}

/* f64x2 min and max are JavaScript's Math.min and Math.max: NaN wins, and −0 is below +0. */
__attribute__((always_inline)) static inline v128_t blend2(int32_t mode, v128_t cb, v128_t cs) {
  const v128_t zero = splat64(0.0), one = splat64(1.0);
  switch (mode) {
    case MULTIPLY: return wasm_f64x2_mul(cb, cs);
    case SCREEN: return screen2(cb, cs);
    case OVERLAY: return hard_light2(cs, cb);
    case DARKEN: return wasm_f64x2_min(cb, cs);
    case LIGHTEN: return wasm_f64x2_max(cb, cs);
    case COLOR_DODGE: {
      const v128_t v = wasm_v128_bitselect(one, min_one(wasm_f64x2_div(cb, wasm_f64x2_sub(one, cs))), wasm_f64x2_eq(cs, one));
      return wasm_v128_bitselect(zero, v, wasm_f64x2_eq(cb, zero));
    }
    case COLOR_BURN: {
      const v128_t v = wasm_v128_bitselect(zero, wasm_f64x2_sub(one, min_one(wasm_f64x2_div(wasm_f64x2_sub(one, cb), cs))), wasm_f64x2_eq(cs, zero));
      return wasm_v128_bitselect(one, v, wasm_f64x2_eq(cb, one));
    }
    case HARD_LIGHT: return hard_light2(cb, cs);
    case SOFT_LIGHT: return soft_light2(cb, cs);
    case DIFFERENCE: return wasm_f64x2_abs(wasm_f64x2_sub(cb, cs));
    case EXCLUSION: return wasm_f64x2_sub(wasm_f64x2_add(cb, cs), wasm_f64x2_mul(wasm_f64x2_mul(splat64(2.0), cb), cs));
    default: return cs;
  }
}

double blend_channel(int32_t mode, double cb, double cs) { return wasm_f64x2_extract_lane(blend2(mode, splat64(cb), splat64(cs)), 0); }

/*
 * min(255, max(0, floor(v·255 + 0.5))) stored as a byte, in int32 lanes 0–1:
 * trunc_sat makes NaN 0, as a Uint8Array store does, and saturates, so the
 * clamp can follow in integers.
 */
static inline v128_t to_bytes2(v128_t v) {
  const v128_t rounded = wasm_f64x2_floor(wasm_f64x2_add(wasm_f64x2_mul(v, splat64(255.0)), splat64(0.5)));
  return wasm_i32x4_min(wasm_i32x4_max(wasm_i32x4_trunc_sat_f64x2_zero(rounded), wasm_i32x4_splat(0)), wasm_i32x4_splat(255));
}

/*
 * Two neighbouring pixels p and q of the base (`channels` bytes each) under
 * their source samples (premultiplied RGBA floats). A pixel whose source
 * alpha is not above 0 is left as it is.
 */
__attribute__((always_inline)) static inline void blend_pair(int32_t mode, uint8_t *p, int32_t channels, v128_t first, v128_t second) {
  uint8_t *q = p + channels;
  const v128_t one = splat64(1.0);
  /* The samples' channels, each for both pixels, as doubles. */
  const v128_t rg = wasm_i32x4_shuffle(first, second, 0, 4, 1, 5), ba = wasm_i32x4_shuffle(first, second, 2, 6, 3, 7);
  const v128_t source[3] = {wasm_f64x2_promote_low_f32x4(rg), wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(rg, rg, 2, 3, 0, 1)), wasm_f64x2_promote_low_f32x4(ba)};
  /* Float32 samples can put α a hair over 1 and colour a hair over α: the blend functions want 0–1. */
  const v128_t as = min_one(wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(ba, ba, 2, 3, 0, 1)));
  const v128_t live = wasm_f64x2_gt(as, splat64(0.0));
  if (!wasm_v128_any_true(live)) return;
  const v128_t ab = channels == 4 ? f64x2_pair(&unit64[p[3]], &unit64[q[3]]) : one;
  const v128_t rest = wasm_f64x2_sub(one, as);
  const v128_t ao = wasm_f64x2_add(as, wasm_f64x2_mul(ab, rest));
  const v128_t paint = wasm_v128_and(live, wasm_f64x2_gt(ao, splat64(0.0)));
  const v128_t open = wasm_f64x2_sub(one, ab);
  /* Opaque samples, and opaque results (over opaque bases), divide by 1. */
  const int as_one = wasm_i64x2_all_true(wasm_f64x2_eq(as, one)), ao_one = wasm_i64x2_all_true(wasm_f64x2_eq(ao, one));
  v128_t bytes[3];
  for (int c = 0; c < 3; c++) {
    const v128_t cs = min_one(max_zero(divide(source[c], as, as_one)));
    const v128_t cb = f64x2_pair(&unit64[p[c]], &unit64[q[c]]);
    const v128_t mixed = wasm_f64x2_add(wasm_f64x2_mul(open, cs), wasm_f64x2_mul(ab, blend2(mode, cb, cs)));
    const v128_t co = wasm_f64x2_add(wasm_f64x2_mul(as, mixed), wasm_f64x2_mul(wasm_f64x2_mul(ab, cb), rest));
    bytes[c] = to_bytes2(divide(co, ao, ao_one));
  }
  const v128_t alpha = channels == 4 ? to_bytes2(ao) : wasm_i32x4_splat(0);
  if (wasm_i64x2_all_true(paint)) {
    /* Both painted: their bytes gathered as p's r, g, b, a then q's, and stored at once. */
    const v128_t shorts = wasm_i16x8_narrow_i32x4(wasm_i32x4_shuffle(bytes[0], bytes[1], 0, 1, 4, 5), wasm_i32x4_shuffle(bytes[2], alpha, 0, 1, 4, 5));
    const v128_t pixels = wasm_i8x16_shuffle(wasm_u8x16_narrow_i16x8(shorts, shorts), shorts, 0, 2, 4, 6, 1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7);
    if (channels == 4) {
      wasm_v128_store64_lane(p, pixels, 0);
    } else {
      const v128_t rgb = wasm_i8x16_shuffle(pixels, pixels, 0, 1, 2, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
      wasm_v128_store32_lane(p, rgb, 0);
      wasm_v128_store16_lane(p + 4, rgb, 2);
    }
    return;
  }
  if (wasm_i64x2_extract_lane(live, 0)) {
    if (wasm_i64x2_extract_lane(paint, 0)) {
      for (int c = 0; c < 3; c++) p[c] = (uint8_t)wasm_i32x4_extract_lane(bytes[c], 0);
    }
    if (channels == 4) p[3] = (uint8_t)wasm_i32x4_extract_lane(alpha, 0);
  }
  if (wasm_i64x2_extract_lane(live, 1)) {
    if (wasm_i64x2_extract_lane(paint, 1)) {
      for (int c = 0; c < 3; c++) q[c] = (uint8_t)wasm_i32x4_extract_lane(bytes[c], 1);
    }
    if (channels == 4) q[3] = (uint8_t)wasm_i32x4_extract_lane(alpha, 1);
  }
}

__attribute__((always_inline)) static inline void blend_pixels(int32_t mode, uint8_t *base, int32_t channels, const float *source, int32_t count) {
  for (int32_t i = 0; i < count; i += 2, base += 2 * channels, source += 8) {
    /* An odd last pixel is copied out beside a transparent partner, which is left alone: one call site, one copy of the code. */
    const int last = i + 1 == count;
    uint8_t pair[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    if (last) __builtin_memcpy(pair, base, (uint32_t)channels);
    blend_pair(mode, last ? pair : base, channels, wasm_v128_load(source), last ? wasm_i32x4_splat(0) : wasm_v128_load(source + 4));
    if (last) __builtin_memcpy(base, pair, (uint32_t)channels);
  }
}

/*
 * Step 7 on `count` base pixels (`channels` 3 or 4 bytes each) in place, under
 * `source` (4 floats a pixel, premultiplied, coverage applied), with blend
 * mode `mode`: Cs' = (1−αb)·Cs + αb·B(Cb, Cs), co = αs·Cs' + αb·Cb·(1−αs),
 * αo = αs + αb·(1−αs), Co = co/αo, halves rounded up. A loop per mode.
 */
void blend_run(uint8_t *base, int32_t channels, const float *source, int32_t count, int32_t mode) {
  switch (mode) {
    case NORMAL: blend_pixels(NORMAL, base, channels, source, count); break;
    case MULTIPLY: blend_pixels(MULTIPLY, base, channels, source, count); break;
    case SCREEN: blend_pixels(SCREEN, base, channels, source, count); break;
    case OVERLAY: blend_pixels(OVERLAY, base, channels, source, count); break;
    case DARKEN: blend_pixels(DARKEN, base, channels, source, count); break;
    case LIGHTEN: blend_pixels(LIGHTEN, base, channels, source, count); break;
    case COLOR_DODGE: blend_pixels(COLOR_DODGE, base, channels, source, count); break;
    case COLOR_BURN: blend_pixels(COLOR_BURN, base, channels, source, count); break;
    case HARD_LIGHT: blend_pixels(HARD_LIGHT, base, channels, source, count); break;
    case SOFT_LIGHT: blend_pixels(SOFT_LIGHT, base, channels, source, count); break;
    case DIFFERENCE: blend_pixels(DIFFERENCE, base, channels, source, count); break;
    case EXCLUSION: blend_pixels(EXCLUSION, base, channels, source, count); break;
  }
}

/*
 * The displacement map's Gaussian blur (src/engine/mockup/displacement.ts), in
 * strips: the horizontal pass fills a ring of `ring_rows` rows (row i in slot
 * i mod ring_rows) as the strips need them, the vertical pass reads its rows
 * from the ring. Each pixel's sums run tap by tap from 0 up, as the former
 * JavaScript's did; f64x2 lanes hold neighbouring pixels, never one pixel's
 * terms, so every sum rounds as there.
 */

/* Horizontal pass of `count` luma rows (the first being row `first`) into the ring; `line` holds width + 2·radius doubles. */
void gaussian_across(const uint8_t *luma, int32_t width, int32_t first, int32_t count, const double *taps, int32_t radius,
                     double *line, double *ring, int32_t ring_rows) {
  const int32_t n = 2 * radius + 1, padded = width + 2 * radius;
  for (int32_t r = 0; r < count; r++) {
    const uint8_t *row = luma + r * width;
    /* Padded with the edge values, so the taps need no clamping. */
    for (int32_t i = 0; i < padded; i++) line[i] = (double)row[clamp_index(i - radius, width)];
    double *out = ring + ((first + r) % ring_rows) * width;
    int32_t x = 0;
    for (; x + 8 <= width; x += 8) {
      v128_t a0 = splat64(0.0), a1 = a0, a2 = a0, a3 = a0;
      const double *p = line + x;
      for (int32_t k = 0; k < n; k++, p++) {
        const v128_t t = splat64(taps[k]);
        a0 = wasm_f64x2_add(a0, wasm_f64x2_mul(t, wasm_v128_load(p)));
        a1 = wasm_f64x2_add(a1, wasm_f64x2_mul(t, wasm_v128_load(p + 2)));
        a2 = wasm_f64x2_add(a2, wasm_f64x2_mul(t, wasm_v128_load(p + 4)));
        a3 = wasm_f64x2_add(a3, wasm_f64x2_mul(t, wasm_v128_load(p + 6)));
      }
      wasm_v128_store(out + x, a0);
      wasm_v128_store(out + x + 2, a1);
      wasm_v128_store(out + x + 4, a2);
      wasm_v128_store(out + x + 6, a3);
    }
    for (; x + 2 <= width; x += 2) {
      v128_t a = splat64(0.0);
      for (int32_t k = 0; k < n; k++) a = wasm_f64x2_add(a, wasm_f64x2_mul(splat64(taps[k]), wasm_v128_load(line + x + k)));
      wasm_v128_store(out + x, a);
    }
    for (; x < width; x++) {
      double sum = 0.0;
      for (int32_t k = 0; k < n; k++) sum += taps[k] * line[x + k];
      out[x] = sum;
    }
  }
}

/* min(255, floor(v + 0.5)) as bytes, in int32 lanes 0–1; v is never negative. */
static inline v128_t round_bytes2(v128_t v) {
  return wasm_i32x4_trunc_sat_f64x2_zero(wasm_f64x2_pmin(wasm_f64x2_floor(wasm_f64x2_add(v, splat64(0.5))), splat64(255.0)));
}

static inline void store_bytes2(uint8_t *out, v128_t v) {
  const v128_t ints = round_bytes2(v);
  const v128_t shorts = wasm_i16x8_narrow_i32x4(ints, ints);
  wasm_v128_store16_lane(out, wasm_u8x16_narrow_i16x8(shorts, shorts), 0);
}

/*
 * Vertical pass for output rows y0 .. y0 + count − 1 of `height`, each row's
 * taps reading rows clamped to the image from the ring; `rows` holds 2·radius + 1
 * pointers. Rounded once to bytes at `out`.
 */
void gaussian_down(const double *ring, int32_t ring_rows, int32_t width, int32_t height, int32_t y0, int32_t count,
                   const double *taps, int32_t radius, const double **rows, uint8_t *out) {
  const int32_t n = 2 * radius + 1;
  for (int32_t r = 0; r < count; r++, out += width) {
    const int32_t y = y0 + r;
    for (int32_t k = 0; k < n; k++) rows[k] = ring + (clamp_index(y + k - radius, height) % ring_rows) * width;
    int32_t x = 0;
    for (; x + 8 <= width; x += 8) {
      v128_t a0 = splat64(0.0), a1 = a0, a2 = a0, a3 = a0;
      for (int32_t k = 0; k < n; k++) {
        const v128_t t = splat64(taps[k]);
        const double *p = rows[k] + x;
        a0 = wasm_f64x2_add(a0, wasm_f64x2_mul(t, wasm_v128_load(p)));
        a1 = wasm_f64x2_add(a1, wasm_f64x2_mul(t, wasm_v128_load(p + 2)));
        a2 = wasm_f64x2_add(a2, wasm_f64x2_mul(t, wasm_v128_load(p + 4)));
        a3 = wasm_f64x2_add(a3, wasm_f64x2_mul(t, wasm_v128_load(p + 6)));
      }
      store_bytes2(out + x, a0);
      store_bytes2(out + x + 2, a1);
      store_bytes2(out + x + 4, a2);
      store_bytes2(out + x + 6, a3);
    }
    for (; x + 2 <= width; x += 2) {
      v128_t a = splat64(0.0);
      for (int32_t k = 0; k < n; k++) a = wasm_f64x2_add(a, wasm_f64x2_mul(splat64(taps[k]), wasm_v128_load(rows[k] + x)));
      store_bytes2(out + x, a);
    }
    for (; x < width; x++) {
      double sum = 0.0;
      for (int32_t k = 0; k < n; k++) sum += taps[k] * rows[k][x];
      out[x] = (uint8_t)wasm_i32x4_extract_lane(round_bytes2(splat64(sum)), 0);
    }
  }
}

/*
 * Image comparison, over `count` RGBA pixels of `a` and `e`, a strip of the
 * images that starts at byte `first_byte`. In totals: [0] the sum and [1] the
 * maximum of the absolute channel differences, [2] the pixels that differ in
 * any channel. Returns the pixels counted as different: with max_delta < 0
 * every pixel that differs; otherwise those whose pixelmatch colour distance
 * (yiq_delta) exceeds max_delta in absolute value, as pixelmatch counts with
 * includeAA. With `diff` (0 for none), also the diff picture: opaque red where
 * a pixel is counted, elsewhere `a`'s luma faded into white by its alpha, as
 * pixelmatch draws it.
 */

/* The differences of four pixels, per byte. */
static inline v128_t abs_diff(const uint8_t *a, const uint8_t *e) {
  const v128_t va = wasm_v128_load(a), ve = wasm_v128_load(e);
  return wasm_v128_or(wasm_u8x16_sub_sat(va, ve), wasm_u8x16_sub_sat(ve, va));
}

/*
 * pixelmatch's colorDelta with its checkerboard background: the squared YIQ
 * distance, negative where `e` is darker. In float64, in its order of
 * operations, so that every comparison with a threshold falls the same way.
 * `k` is the pixel's byte offset in the whole image, which picks the
 * background; (int32_t)(uint32_t) is JavaScript's `| 0`.
 */
static double yiq_delta(const uint8_t *p1, const uint8_t *p2, double k) {
  const int32_t r1 = p1[0], g1 = p1[1], b1 = p1[2], a1 = p1[3];
  const int32_t r2 = p2[0], g2 = p2[1], b2 = p2[2], a2 = p2[3];
  double dr = r1 - r2, dg = g1 - g2, db = b1 - b2;
  const int32_t da = a1 - a2;
  if (a1 < 255 || a2 < 255) {
    const int32_t gstep = (int32_t)(uint32_t)(int64_t)(k / 1.618033988749895) % 2;
    const int32_t bstep = (int32_t)(uint32_t)(int64_t)(k / 2.618033988749895) % 2;
    const int32_t rb = 48 + 159 * ((int64_t)k % 2), gb = 48 + 159 * gstep, bb = 48 + 159 * bstep;
    dr = (double)(r1 * a1 - r2 * a2 - rb * da) / 255.0;
    dg = (double)(g1 * a1 - g2 * a2 - gb * da) / 255.0;
    db = (double)(b1 * a1 - b2 * a2 - bb * da) / 255.0;
  }
  const double y = dr * 0.29889531 + dg * 0.58662247 + db * 0.11448223;
  const double i = dr * 0.59597799 - dg * 0.27417610 - db * 0.32180189;
  const double q = dr * 0.21147017 - dg * 0.52261711 + db * 0.31114694;
  const double delta = 0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q;
  return y > 0 ? -delta : delta;
}

/*
 * yiq_delta's test against max_delta for two opaque pixels at once, their
 * channel differences being lanes 0-2 of p and of q (32-bit). With both
 * alphas 255 the operations are yiq_delta's without the background, in its
 * order; the unsigned delta is a sum of squares, so it is its absolute value.
 * Returns a bit for each pixel beyond.
 */
static inline uint32_t yiq_beyond2(v128_t p, v128_t q, v128_t max_delta) {
  const v128_t rg = wasm_i32x4_shuffle(p, q, 0, 4, 1, 5);
  const v128_t dr = wasm_f64x2_convert_low_i32x4(rg);
  const v128_t dg = wasm_f64x2_convert_low_i32x4(wasm_i32x4_shuffle(rg, rg, 2, 3, 2, 3));
  const v128_t db = wasm_f64x2_convert_low_i32x4(wasm_i32x4_shuffle(p, q, 2, 6, 2, 6));
  const v128_t y = wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_mul(dr, splat64(0.29889531)), wasm_f64x2_mul(dg, splat64(0.58662247))),
                                  wasm_f64x2_mul(db, splat64(0.11448223)));
  const v128_t i = wasm_f64x2_sub(wasm_f64x2_sub(wasm_f64x2_mul(dr, splat64(0.59597799)), wasm_f64x2_mul(dg, splat64(0.27417610))),
                                  wasm_f64x2_mul(db, splat64(0.32180189)));
  const v128_t q_ = wasm_f64x2_add(wasm_f64x2_sub(wasm_f64x2_mul(dr, splat64(0.21147017)), wasm_f64x2_mul(dg, splat64(0.52261711))),
                                   wasm_f64x2_mul(db, splat64(0.31114694)));
  const v128_t delta = wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_mul(wasm_f64x2_mul(splat64(0.5053), y), y), wasm_f64x2_mul(wasm_f64x2_mul(splat64(0.299), i), i)),
                                      wasm_f64x2_mul(wasm_f64x2_mul(splat64(0.1957), q_), q_));
  return wasm_i64x2_bitmask(wasm_f64x2_gt(delta, max_delta));
}

/* Which of four pixels, all opaque in both images, are beyond max_delta: a bit each. */
static inline uint32_t opaque_beyond4(v128_t va, v128_t ve, v128_t max_delta) {
  const v128_t low = wasm_i16x8_sub(wasm_u16x8_extend_low_u8x16(va), wasm_u16x8_extend_low_u8x16(ve));
  const v128_t high = wasm_i16x8_sub(wasm_u16x8_extend_high_u8x16(va), wasm_u16x8_extend_high_u8x16(ve));
  return yiq_beyond2(wasm_i32x4_extend_low_i16x8(low), wasm_i32x4_extend_high_i16x8(low), max_delta) |
         yiq_beyond2(wasm_i32x4_extend_low_i16x8(high), wasm_i32x4_extend_high_i16x8(high), max_delta) << 2;
}

static inline uint8_t faded(const uint8_t *p) {
  const double luma = 0.29889531 * p[0] + 0.58662247 * p[1] + 0.11448223 * p[2];
  return (uint8_t)(int32_t)(255.0 + ((luma - 255.0) * 0.1 * p[3]) / 255.0);
}

/* faded() for two pixels whose channels are in the low lanes of r, g, b, al (32-bit), same operations in the same order. */
static inline v128_t faded2(v128_t r, v128_t g, v128_t b, v128_t al) {
  v128_t luma = wasm_f64x2_mul(splat64(0.29889531), wasm_f64x2_convert_low_i32x4(r));
  luma = wasm_f64x2_add(luma, wasm_f64x2_mul(splat64(0.58662247), wasm_f64x2_convert_low_i32x4(g)));
  luma = wasm_f64x2_add(luma, wasm_f64x2_mul(splat64(0.11448223), wasm_f64x2_convert_low_i32x4(b)));
  v128_t v = wasm_f64x2_mul(wasm_f64x2_mul(wasm_f64x2_sub(luma, splat64(255.0)), splat64(0.1)), wasm_f64x2_convert_low_i32x4(al));
  v = wasm_f64x2_add(splat64(255.0), wasm_f64x2_div(v, splat64(255.0)));
  return wasm_i32x4_trunc_sat_f64x2_zero(v);
}

/* The diff picture of four pixels: opaque red where `counted` (per 32-bit lane), elsewhere faded into white. */
static inline v128_t draw4(v128_t px, v128_t counted) {
  const v128_t zero = wasm_i32x4_splat(0);
  const v128_t r = wasm_i8x16_shuffle(px, zero, 0, 16, 16, 16, 4, 16, 16, 16, 8, 16, 16, 16, 12, 16, 16, 16);
  const v128_t g = wasm_i8x16_shuffle(px, zero, 1, 16, 16, 16, 5, 16, 16, 16, 9, 16, 16, 16, 13, 16, 16, 16);
  const v128_t b = wasm_i8x16_shuffle(px, zero, 2, 16, 16, 16, 6, 16, 16, 16, 10, 16, 16, 16, 14, 16, 16, 16);
  const v128_t al = wasm_i8x16_shuffle(px, zero, 3, 16, 16, 16, 7, 16, 16, 16, 11, 16, 16, 16, 15, 16, 16, 16);
  const v128_t low = faded2(r, g, b, al);
  const v128_t high = faded2(wasm_i32x4_shuffle(r, r, 2, 3, 2, 3), wasm_i32x4_shuffle(g, g, 2, 3, 2, 3), wasm_i32x4_shuffle(b, b, 2, 3, 2, 3),
                             wasm_i32x4_shuffle(al, al, 2, 3, 2, 3));
  const v128_t grey = wasm_i32x4_shuffle(low, high, 0, 1, 4, 5);
  const v128_t faded_px = wasm_v128_or(wasm_i32x4_mul(grey, wasm_i32x4_splat(0x010101)), wasm_i32x4_splat((int32_t)0xFF000000u));
  return wasm_v128_bitselect(wasm_i32x4_splat((int32_t)0xFF0000FFu), faded_px, counted);
}

static inline void draw_pixel(const uint8_t *a, uint32_t counted, uint8_t *diff) {
  if (counted) {
    diff[0] = 255; diff[1] = 0; diff[2] = 0;
  } else {
    diff[0] = diff[1] = diff[2] = faded(a);
  }
  diff[3] = 255;
}

/* Sum of a vector's 32-bit lanes. */
static inline uint32_t lane_sum(v128_t v) {
  return wasm_u32x4_extract_lane(v, 0) + wasm_u32x4_extract_lane(v, 1) + wasm_u32x4_extract_lane(v, 2) + wasm_u32x4_extract_lane(v, 3);
}

/*
 * The exact figures without a branch on the data: the differences are random
 * where images differ, and a branch on them would be mispredicted. Sums add up
 * in 16-bit lanes for 32 steps of four vectors (at most 4 x 510 a step), then
 * widen.
 */
static int32_t exact_figures(const uint8_t *a, const uint8_t *e, int32_t count, double *totals) {
  const v128_t zero = wasm_i32x4_splat(0);
  v128_t maxima = zero, differing = zero;
  uint64_t sum = 0;
  int32_t p = 0;
  while (p + 16 <= count) {
    const int32_t end = p + 16 * 32 < count ? p + 16 * 32 : count;
    v128_t sums16 = zero;
    for (; p + 16 <= end; p += 16) {
      const v128_t d0 = abs_diff(a + 4 * p, e + 4 * p), d1 = abs_diff(a + 4 * p + 16, e + 4 * p + 16);
      const v128_t d2 = abs_diff(a + 4 * p + 32, e + 4 * p + 32), d3 = abs_diff(a + 4 * p + 48, e + 4 * p + 48);
      maxima = wasm_u8x16_max(maxima, wasm_u8x16_max(wasm_u8x16_max(d0, d1), wasm_u8x16_max(d2, d3)));
      sums16 = wasm_i16x8_add(sums16, wasm_i16x8_add(wasm_i16x8_add(wasm_u16x8_extadd_pairwise_u8x16(d0), wasm_u16x8_extadd_pairwise_u8x16(d1)),
                                                     wasm_i16x8_add(wasm_u16x8_extadd_pairwise_u8x16(d2), wasm_u16x8_extadd_pairwise_u8x16(d3))));
      differing = wasm_i32x4_add(differing, wasm_i32x4_add(wasm_i32x4_add(wasm_i32x4_ne(d0, zero), wasm_i32x4_ne(d1, zero)),
                                                           wasm_i32x4_add(wasm_i32x4_ne(d2, zero), wasm_i32x4_ne(d3, zero))));
    }
    sum += lane_sum(wasm_u32x4_extadd_pairwise_u16x8(sums16));
  }
  uint32_t max = 0;
  for (int32_t k = 0; k < 16; k++) {
    const uint32_t m = wasm_u8x16_extract_lane(maxima, 0);
    if (m > max) max = m;
    maxima = wasm_i8x16_shuffle(maxima, maxima, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0);
  }
  /* The lanes counted -1 for each differing pixel. */
  int32_t n = -(int32_t)lane_sum(differing);
  for (; p < count; p++) {
    uint32_t pixel_max = 0;
    for (int32_t c = 0; c < 4; c++) {
      const int32_t d = a[4 * p + c] > e[4 * p + c] ? a[4 * p + c] - e[4 * p + c] : e[4 * p + c] - a[4 * p + c];
      sum += (uint32_t)d;
      if ((uint32_t)d > pixel_max) pixel_max = (uint32_t)d;
    }
    if (pixel_max > max) max = pixel_max;
    n += pixel_max > 0;
  }
  totals[0] = (double)sum;
  totals[1] = (double)max;
  totals[2] = (double)n;
  return n;
}

/* Which of four pixels are beyond max_delta in colour distance, of those in `bits` (the ones that differ). */
static inline uint32_t beyond4(const uint8_t *a, const uint8_t *e, uint32_t bits, double first_byte, double max_delta) {
  const v128_t va = wasm_v128_load(a), ve = wasm_v128_load(e);
  if (wasm_i32x4_all_true(wasm_i32x4_eq(wasm_u32x4_shr(wasm_v128_and(va, ve), 24), wasm_i32x4_splat(255)))) {
    return opaque_beyond4(va, ve, splat64(max_delta)) & bits;
  }
  uint32_t kept = 0;
  while (bits) {
    const int32_t k = __builtin_ctz(bits);
    bits &= bits - 1;
    if (__builtin_fabs(yiq_delta(a + 4 * k, e + 4 * k, first_byte + 4.0 * k)) > max_delta) kept |= 1u << k;
  }
  return kept;
}

/*
 * Counting by colour without a picture: first the groups of four pixels in
 * which any differs are listed without a branch, then only those are measured,
 * so that the random pattern of differences costs no mispredicted branches.
 */
#define GROUPS_PER_LIST 1024
static int32_t count_beyond(const uint8_t *a, const uint8_t *e, int32_t count, double first_byte, double max_delta) {
  static int32_t listed[GROUPS_PER_LIST];
  const v128_t zero = wasm_i32x4_splat(0);
  const int32_t groups = count / 4;
  int32_t counted = 0;
  for (int32_t g0 = 0; g0 < groups; g0 += GROUPS_PER_LIST) {
    const int32_t g1 = g0 + GROUPS_PER_LIST < groups ? g0 + GROUPS_PER_LIST : groups;
    int32_t n = 0;
    for (int32_t g = g0; g < g1; g++) {
      listed[n] = g;
      n += wasm_v128_any_true(wasm_v128_xor(wasm_v128_load(a + 16 * g), wasm_v128_load(e + 16 * g)));
    }
    for (int32_t j = 0; j < n; j++) {
      const int32_t g = listed[j];
      const uint32_t bits = wasm_i32x4_bitmask(wasm_i32x4_ne(wasm_v128_xor(wasm_v128_load(a + 16 * g), wasm_v128_load(e + 16 * g)), zero));
      counted += __builtin_popcount(beyond4(a + 16 * g, e + 16 * g, bits, first_byte + 16.0 * g, max_delta));
    }
  }
  for (int32_t p = groups * 4; p < count; p++) {
    const uint8_t *pa = a + 4 * p, *pe = e + 4 * p;
    const uint32_t differs = ((pa[0] ^ pe[0]) | (pa[1] ^ pe[1]) | (pa[2] ^ pe[2]) | (pa[3] ^ pe[3])) != 0;
    counted += differs && __builtin_fabs(yiq_delta(pa, pe, first_byte + 4.0 * p)) > max_delta;
  }
  return counted;
}

int32_t image_diff(const uint8_t *a, const uint8_t *e, int32_t count, double first_byte, double max_delta, uint8_t *diff, double *totals) {
  const int32_t differing = exact_figures(a, e, count, totals);
  const int32_t by_colour = max_delta >= 0;
  if (!diff) return by_colour ? count_beyond(a, e, count, first_byte, max_delta) : differing;
  const v128_t zero = wasm_i32x4_splat(0), lane_bits = wasm_i32x4_make(1, 2, 4, 8);
  int32_t counted = 0, p = 0;
  for (; p + 4 <= count; p += 4) {
    const v128_t va = wasm_v128_load(a + 4 * p);
    v128_t mask = wasm_i32x4_ne(wasm_v128_xor(va, wasm_v128_load(e + 4 * p)), zero);
    if (by_colour) {
      const uint32_t bits = wasm_i32x4_bitmask(mask);
      const uint32_t kept = bits ? beyond4(a + 4 * p, e + 4 * p, bits, first_byte + 4.0 * p, max_delta) : 0;
      counted += __builtin_popcount(kept);
      mask = wasm_i32x4_ne(wasm_v128_and(wasm_i32x4_splat((int32_t)kept), lane_bits), zero);
    }
    wasm_v128_store(diff + 4 * p, draw4(va, mask));
  }
  for (; p < count; p++) {
    const uint8_t *pa = a + 4 * p, *pe = e + 4 * p;
    uint32_t is_counted = ((pa[0] ^ pe[0]) | (pa[1] ^ pe[1]) | (pa[2] ^ pe[2]) | (pa[3] ^ pe[3])) != 0;
    if (is_counted && by_colour) is_counted = __builtin_fabs(yiq_delta(pa, pe, first_byte + 4.0 * p)) > max_delta;
    counted += is_counted;
    draw_pixel(pa, is_counted, diff + 4 * p);
  }
  return by_colour ? counted : differing;
}
