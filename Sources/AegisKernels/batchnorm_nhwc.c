// Batch-norm kernels for channels-last tensors, seen as [rows, C] with rows = N·H·W. The inner
// loop runs along the channels, which are contiguous, so it vectorizes; per-channel sums are
// kept in float over blocks of BLOCK rows and added in double, like batchnorm.c's 16 lanes per
// row (one running float sum per channel over 50k rows would lose digits). Compiled for
// AVX-512, AVX2 and plain x86-64 (target_clones), as batchnorm.c is. Per-channel scratch lives
// on the stack (C ≤ 2048 in every model here: 16 KiB), so no call can fail to allocate.

#include "AegisKernels.h"

#include <stddef.h>
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#define WIDEST __attribute__((target_clones("avx512f", "avx2,fma", "default")))
#else
#define WIDEST
#endif

enum { BLOCK = 64 };

/// Adds the float block sums `a`, `b` into the double totals and zeroes them.
static void flush(float *a, float *b, int c, double *sa, double *sb) {
  for (int ch = 0; ch < c; ch++) {
    sa[ch] += a[ch];
    sb[ch] += b[ch];
  }
  memset(a, 0, 2 * (size_t)c * sizeof(float));
}

WIDEST void aegis_nhwc_moments(const float *x, int rows, int c, double *sum, double *sum_squares) {
  float a[2 * c];
  memset(a, 0, sizeof a);
  float *a2 = a + c;
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * c;
    for (int ch = 0; ch < c; ch++) {
      float v = xr[ch];
      a[ch] += v;
      a2[ch] += v * v;
    }
    if ((r + 1) % BLOCK == 0 || r + 1 == rows) flush(a, a2, c, sum, sum_squares);
  }
}

WIDEST void aegis_nhwc_affine(const float *x, int rows, int c, const float *scale, const float *shift, int relu,
                              float *out) {
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * c;
    float *o = out + (size_t)r * c;
    if (relu) {
      for (int ch = 0; ch < c; ch++) {
        float v = xr[ch] * scale[ch] + shift[ch];
        o[ch] = v > 0 ? v : 0;
      }
    } else {
      for (int ch = 0; ch < c; ch++) o[ch] = xr[ch] * scale[ch] + shift[ch];
    }
  }
}

WIDEST void aegis_nhwc_bn_backward_sums(const float *g, const float *x, const float *relu_output, int rows, int c,
                                        const float *mean, const float *inv_std, double *sum_g, double *sum_g_xhat) {
  float a[2 * c];
  memset(a, 0, sizeof a);
  float *ax = a + c;
  for (int r = 0; r < rows; r++) {
    size_t base = (size_t)r * c;
    const float *gr = g + base, *xr = x + base, *yr = relu_output ? relu_output + base : NULL;
    for (int ch = 0; ch < c; ch++) {
      float gv = yr && yr[ch] <= 0 ? 0 : gr[ch];
      a[ch] += gv;
      ax[ch] += gv * ((xr[ch] - mean[ch]) * inv_std[ch]);
    }
    if ((r + 1) % BLOCK == 0 || r + 1 == rows) flush(a, ax, c, sum_g, sum_g_xhat);
  }
}

WIDEST void aegis_nhwc_bn_backward(const float *g, const float *x, const float *relu_output, int rows, int c,
                                   int count, const float *mean, const float *inv_std, const float *gamma,
                                   const float *sum_g, const float *sum_g_xhat, float *dx) {
  float m = (float)count;
  float k[c];
  for (int ch = 0; ch < c; ch++) k[ch] = gamma[ch] * inv_std[ch] / m;
  for (int r = 0; r < rows; r++) {
    size_t base = (size_t)r * c;
    const float *gr = g + base, *xr = x + base, *yr = relu_output ? relu_output + base : NULL;
    float *d = dx + base;
    if (yr) {
      for (int ch = 0; ch < c; ch++) {
        float gv = yr[ch] <= 0 ? 0 : gr[ch];
        d[ch] = k[ch] * (m * gv - sum_g[ch] - (xr[ch] - mean[ch]) * inv_std[ch] * sum_g_xhat[ch]);
      }
    } else {
      for (int ch = 0; ch < c; ch++) {
        d[ch] = k[ch] * (m * gr[ch] - sum_g[ch] - (xr[ch] - mean[ch]) * inv_std[ch] * sum_g_xhat[ch]);
      }
    }
  }
}

WIDEST void aegis_nhwc_affine_relu_backward(const float *g, const float *output, int rows, int c, const float *scale,
                                            float *dx) {
  for (int r = 0; r < rows; r++) {
    size_t base = (size_t)r * c;
    const float *gr = g + base, *yr = output + base;
    float *d = dx + base;
    for (int ch = 0; ch < c; ch++) d[ch] = yr[ch] > 0 ? gr[ch] * scale[ch] : 0;
  }
}

WIDEST void aegis_nhwc_affine_relu_sums(const float *g, const float *x, const float *output, int rows, int c,
                                        double *sum_g, double *sum_g_x) {
  float a[2 * c];
  memset(a, 0, sizeof a);
  float *ax = a + c;
  for (int r = 0; r < rows; r++) {
    size_t base = (size_t)r * c;
    const float *gr = g + base, *xr = x + base, *yr = output + base;
    for (int ch = 0; ch < c; ch++) {
      float gv = yr[ch] > 0 ? gr[ch] : 0;
      a[ch] += gv;
      ax[ch] += gv * xr[ch];
    }
    if ((r + 1) % BLOCK == 0 || r + 1 == rows) flush(a, ax, c, sum_g, sum_g_x);
  }
}
