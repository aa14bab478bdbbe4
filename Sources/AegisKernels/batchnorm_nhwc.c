// Batch-norm kernels for channels-last tensors, seen as [rows, C] with rows = N·H·W.
//
// A row holds only C = 16–64 values, too few for a vector loop to pay off row by row (measured:
// BN+ReLU forward 1.6× and its backward 1.4× slower than the channels-first kernels that way).
// So every kernel walks the tensor in spans of K whole rows, P = K·C ≈ 512 floats, against
// per-channel constants laid out as one span ("patterns": element j belongs to channel j mod C).
// Each inner loop is then P long, elementwise, and vectorizes. Sums are kept per span position in
// float over FLUSH spans (a few hundred rows) and folded into the per-channel double totals, like
// batchnorm.c's 16 lanes per row. Compiled for AVX-512, AVX2 and plain x86-64 (target_clones),
// as batchnorm.c is. Scratch lives on the stack (C ≤ 2048 in every model here).

#include "AegisKernels.h"

#include <stddef.h>
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
// "arch=x86-64-v3" is AVX2 with FMA as one clone; the string "avx2,fma" would be two clones
// (avx2 without FMA, fma without AVX2), which is what clang warned about.
#define WIDEST __attribute__((target_clones("avx512f", "arch=x86-64-v3", "default")))
#else
#define WIDEST
#endif

enum { SPAN = 512, FLUSH = 8 };

/// Rows per span: K with K·C ≥ SPAN (one row when a row is already that long).
static int rows_per_span(int c) { return c >= SPAN ? 1 : (SPAN + c - 1) / c; }

/// `per_channel` [C] repeated K times into `pattern` [K·C].
static void fill_pattern(float *pattern, const float *per_channel, int c, int k) {
  for (int r = 0; r < k; r++) memcpy(pattern + (size_t)r * c, per_channel, (size_t)c * sizeof(float));
}

/// Adds span-position sums `a`, `b` [P] into the per-channel totals and zeroes them.
static void fold(float *a, float *b, int p, int c, double *sa, double *sb) {
  for (int j = 0; j < p; j++) {
    sa[j % c] += a[j];
    sb[j % c] += b[j];
  }
  memset(a, 0, (size_t)p * sizeof(float));
  memset(b, 0, (size_t)p * sizeof(float));
}

/// Elements in the span of rows starting at row `first` (the last span may be shorter).
static int span_length(int rows, int first, int k, int c) { return (rows - first < k ? rows - first : k) * c; }

WIDEST void aegis_nhwc_moments(const float *x, int rows, int c, double *sum, double *sum_squares) {
  int k = rows_per_span(c), p = k * c;
  float a[p], a2[p];
  memset(a, 0, sizeof a);
  memset(a2, 0, sizeof a2);
  for (int first = 0, spans = 0; first < rows; first += k) {
    size_t offset = (size_t)first * c;
    int len = span_length(rows, first, k, c);
    const float *xs = x + offset;
    for (int j = 0; j < len; j++) {
      a[j] += xs[j];
      a2[j] += xs[j] * xs[j];
    }
    if (++spans % FLUSH == 0 || first + k >= rows) fold(a, a2, p, c, sum, sum_squares);
  }
}

WIDEST void aegis_nhwc_affine(const float *x, int rows, int c, const float *scale, const float *shift, int relu,
                              float *out) {
  int k = rows_per_span(c), p = k * c;
  float sp[p], hp[p];
  fill_pattern(sp, scale, c, k);
  fill_pattern(hp, shift, c, k);
  for (int first = 0; first < rows; first += k) {
    size_t offset = (size_t)first * c;
    int len = span_length(rows, first, k, c);
    const float *xs = x + offset;
    float *o = out + offset;
    if (relu) {
      for (int j = 0; j < len; j++) {
        float v = xs[j] * sp[j] + hp[j];
        o[j] = v > 0 ? v : 0;
      }
    } else {
      for (int j = 0; j < len; j++) o[j] = xs[j] * sp[j] + hp[j];
    }
  }
}

WIDEST void aegis_nhwc_bn_backward_sums(const float *g, const float *x, const float *relu_output, int rows, int c,
                                        const float *mean, const float *inv_std, double *sum_g, double *sum_g_xhat) {
  int k = rows_per_span(c), p = k * c;
  float mp[p], ip[p], a[p], ax[p];
  fill_pattern(mp, mean, c, k);
  fill_pattern(ip, inv_std, c, k);
  memset(a, 0, sizeof a);
  memset(ax, 0, sizeof ax);
  for (int first = 0, spans = 0; first < rows; first += k) {
    size_t offset = (size_t)first * c;
    int len = span_length(rows, first, k, c);
    const float *gs = g + offset, *xs = x + offset, *ys = relu_output ? relu_output + offset : NULL;
    for (int j = 0; j < len; j++) {
      float gv = ys && ys[j] <= 0 ? 0 : gs[j];
      a[j] += gv;
      ax[j] += gv * ((xs[j] - mp[j]) * ip[j]);
    }
    if (++spans % FLUSH == 0 || first + k >= rows) fold(a, ax, p, c, sum_g, sum_g_xhat);
  }
}

WIDEST void aegis_nhwc_bn_backward(const float *g, const float *x, const float *relu_output, int rows, int c,
                                   int count, const float *mean, const float *inv_std, const float *gamma,
                                   const float *sum_g, const float *sum_g_xhat, float *dx) {
  // dx = γ·inv/M·(M·g − Σg − (x − μ)·inv·Σgx̂) = A·g + B·x + C per channel.
  float m = (float)count, ca[c], cb[c], cc[c];
  for (int ch = 0; ch < c; ch++) {
    float kk = gamma[ch] * inv_std[ch] / m, t = inv_std[ch] * sum_g_xhat[ch];
    ca[ch] = kk * m;
    cb[ch] = -kk * t;
    cc[ch] = kk * (mean[ch] * t - sum_g[ch]);
  }
  int k = rows_per_span(c), p = k * c;
  float ap[p], bp[p], cp[p];
  fill_pattern(ap, ca, c, k);
  fill_pattern(bp, cb, c, k);
  fill_pattern(cp, cc, c, k);
  for (int first = 0; first < rows; first += k) {
    size_t offset = (size_t)first * c;
    int len = span_length(rows, first, k, c);
    const float *gs = g + offset, *xs = x + offset, *ys = relu_output ? relu_output + offset : NULL;
    float *d = dx + offset;
    if (ys) {
      for (int j = 0; j < len; j++) d[j] = ap[j] * (ys[j] <= 0 ? 0 : gs[j]) + bp[j] * xs[j] + cp[j];
    } else {
      for (int j = 0; j < len; j++) d[j] = ap[j] * gs[j] + bp[j] * xs[j] + cp[j];
    }
  }
}

WIDEST void aegis_nhwc_affine_relu_backward(const float *g, const float *output, int rows, int c, const float *scale,
                                            float *dx) {
  int k = rows_per_span(c), p = k * c;
  float sp[p];
  fill_pattern(sp, scale, c, k);
  for (int first = 0; first < rows; first += k) {
    size_t offset = (size_t)first * c;
    int len = span_length(rows, first, k, c);
    const float *gs = g + offset, *ys = output + offset;
    float *d = dx + offset;
    for (int j = 0; j < len; j++) d[j] = ys[j] > 0 ? gs[j] * sp[j] : 0;
  }
}

WIDEST void aegis_nhwc_affine_relu_sums(const float *g, const float *x, const float *output, int rows, int c,
                                        double *sum_g, double *sum_g_x) {
  int k = rows_per_span(c), p = k * c;
  float a[p], ax[p];
  memset(a, 0, sizeof a);
  memset(ax, 0, sizeof ax);
  for (int first = 0, spans = 0; first < rows; first += k) {
    size_t offset = (size_t)first * c;
    int len = span_length(rows, first, k, c);
    const float *gs = g + offset, *xs = x + offset, *ys = output + offset;
    for (int j = 0; j < len; j++) {
      float gv = ys[j] > 0 ? gs[j] : 0;
      a[j] += gv;
      ax[j] += gv * xs[j];
    }
    if (++spans % FLUSH == 0 || first + k >= rows) fold(a, ax, p, c, sum_g, sum_g_x);
  }
}
