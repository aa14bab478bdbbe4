// Batch-norm kernels for [N, C, spatial] float tensors, one channel or one image per call (the
// Swift side spreads the calls over its worker threads). Compiled for AVX-512, AVX2 and plain
// x86-64, the loader picking the widest the CPU has (target_clones), so they follow the machine,
// not OPENBLAS_CORETYPE. Reductions use 16 independent float lanes per row and add rows in
// double: a single running float sum is one dependent add per element (measured: the fused
// BN+ReLU backward of PreActResNetMini took 35 % of its training step that way).

#include "AegisKernels.h"

#include <stddef.h>

#if defined(__x86_64__) && defined(__clang__)
// "arch=x86-64-v3" is AVX2 with FMA as one clone; the string "avx2,fma" would be two clones
// (avx2 without FMA, fma without AVX2), which is what clang warned about.
#define WIDEST __attribute__((target_clones("avx512f", "arch=x86-64-v3", "default")))
#else
#define WIDEST
#endif

enum { LANES = 16 };

static inline const float *row_of(const float *t, int b, int c, int spatial, int ch) {
  return t + ((size_t)b * c + ch) * spatial;
}

WIDEST void aegis_bn_channel_moments(const float *x, int n, int c, int spatial, int ch, double *sum, double *sum_squares) {
  double s = 0, q = 0;
  for (int b = 0; b < n; b++) {
    const float *r = row_of(x, b, c, spatial, ch);
    float a[LANES] = {0}, a2[LANES] = {0};
    int i = 0;
    for (; i + LANES <= spatial; i += LANES) {
      for (int j = 0; j < LANES; j++) {
        float v = r[i + j];
        a[j] += v;
        a2[j] += v * v;
      }
    }
    float fs = 0, fq = 0;
    for (int j = 0; j < LANES; j++) {
      fs += a[j];
      fq += a2[j];
    }
    for (; i < spatial; i++) {
      fs += r[i];
      fq += r[i] * r[i];
    }
    s += fs;
    q += fq;
  }
  *sum = s;
  *sum_squares = q;
}

WIDEST void aegis_bn_forward_image(const float *x, int c, int spatial, const float *mean, const float *inv_std,
                                   const float *gamma, const float *beta, int relu, float *out) {
  for (int ch = 0; ch < c; ch++) {
    const float *r = x + (size_t)ch * spatial;
    float *o = out + (size_t)ch * spatial;
    float scale = gamma[ch] * inv_std[ch], shift = beta[ch] - mean[ch] * scale;
    if (relu) {
      for (int i = 0; i < spatial; i++) {
        float v = r[i] * scale + shift;
        o[i] = v > 0 ? v : 0;
      }
    } else {
      for (int i = 0; i < spatial; i++) o[i] = r[i] * scale + shift;
    }
  }
}

WIDEST void aegis_bn_backward_channel_sums(const float *g, const float *x, const float *relu_output, int n, int c,
                                           int spatial, int ch, float mean, float inv_std, float *sum_g,
                                           float *sum_g_xhat) {
  double s = 0, sx = 0;
  for (int b = 0; b < n; b++) {
    const float *gr = row_of(g, b, c, spatial, ch), *xr = row_of(x, b, c, spatial, ch);
    const float *yr = relu_output ? row_of(relu_output, b, c, spatial, ch) : NULL;
    float a[LANES] = {0}, ax[LANES] = {0};
    int i = 0;
    for (; i + LANES <= spatial; i += LANES) {
      for (int j = 0; j < LANES; j++) {
        float gv = yr && yr[i + j] <= 0 ? 0 : gr[i + j];
        a[j] += gv;
        ax[j] += gv * ((xr[i + j] - mean) * inv_std);
      }
    }
    float fs = 0, fx = 0;
    for (int j = 0; j < LANES; j++) {
      fs += a[j];
      fx += ax[j];
    }
    for (; i < spatial; i++) {
      float gv = yr && yr[i] <= 0 ? 0 : gr[i];
      fs += gv;
      fx += gv * ((xr[i] - mean) * inv_std);
    }
    s += fs;
    sx += fx;
  }
  *sum_g = (float)s;
  *sum_g_xhat = (float)sx;
}

WIDEST void aegis_bn_backward_image(const float *g, const float *x, const float *relu_output, int c, int spatial,
                                    int count, const float *mean, const float *inv_std, const float *gamma,
                                    const float *sum_g, const float *sum_g_xhat, float *dx) {
  float m = (float)count;
  for (int ch = 0; ch < c; ch++) {
    size_t base = (size_t)ch * spatial;
    const float *gr = g + base, *xr = x + base, *yr = relu_output ? relu_output + base : NULL;
    float *d = dx + base;
    float k = gamma[ch] * inv_std[ch] / m, sg = sum_g[ch], sgx = sum_g_xhat[ch], mu = mean[ch], inv = inv_std[ch];
    if (yr) {
      for (int i = 0; i < spatial; i++) {
        float gv = yr[i] <= 0 ? 0 : gr[i];
        d[i] = k * (m * gv - sg - (xr[i] - mu) * inv * sgx);
      }
    } else {
      for (int i = 0; i < spatial; i++) d[i] = k * (m * gr[i] - sg - (xr[i] - mu) * inv * sgx);
    }
  }
}

WIDEST void aegis_affine_relu_image(const float *x, int c, int spatial, const float *scale, const float *shift,
                                    float *out) {
  for (int ch = 0; ch < c; ch++) {
    const float *r = x + (size_t)ch * spatial;
    float *o = out + (size_t)ch * spatial;
    float a = scale[ch], b = shift[ch];
    for (int i = 0; i < spatial; i++) {
      float v = r[i] * a + b;
      o[i] = v > 0 ? v : 0;
    }
  }
}

WIDEST void aegis_affine_relu_backward_image(const float *g, const float *output, int c, int spatial,
                                             const float *scale, float *dx) {
  for (int ch = 0; ch < c; ch++) {
    size_t base = (size_t)ch * spatial;
    const float *gr = g + base, *yr = output + base;
    float *d = dx + base;
    float a = scale[ch];
    for (int i = 0; i < spatial; i++) d[i] = yr[i] > 0 ? gr[i] * a : 0;
  }
}

WIDEST void aegis_affine_relu_channel_sums(const float *g, const float *x, const float *output, int n, int c,
                                           int spatial, int ch, float *sum_g, float *sum_g_x) {
  double s = 0, sx = 0;
  for (int b = 0; b < n; b++) {
    const float *gr = row_of(g, b, c, spatial, ch), *xr = row_of(x, b, c, spatial, ch);
    const float *yr = row_of(output, b, c, spatial, ch);
    float a[LANES] = {0}, ax[LANES] = {0};
    int i = 0;
    for (; i + LANES <= spatial; i += LANES) {
      for (int j = 0; j < LANES; j++) {
        float gv = yr[i + j] > 0 ? gr[i + j] : 0;
        a[j] += gv;
        ax[j] += gv * xr[i + j];
      }
    }
    float fs = 0, fx = 0;
    for (int j = 0; j < LANES; j++) {
      fs += a[j];
      fx += ax[j];
    }
    for (; i < spatial; i++) {
      float gv = yr[i] > 0 ? gr[i] : 0;
      fs += gv;
      fx += gv * xr[i];
    }
    s += fs;
    sx += fx;
  }
  *sum_g = (float)s;
  *sum_g_x = (float)sx;
}
