// Convolutions through oneDNN's C API, with the primitives cached by shape.
// Tensors cross this boundary in the engine's layouts (NCHW or NHWC activations, OIHW weights);
// any reorder into oneDNN's blocked layouts happens inside, into buffers kept with the primitive.
#ifndef AEGIS_KERNELS_H
#define AEGIS_KERNELS_H

/// What a cached primitive computes.
typedef enum {
  AEGIS_CONV_FORWARD_TRAINING = 0,
  AEGIS_CONV_FORWARD_INFERENCE = 1,
  AEGIS_CONV_BACKWARD_DATA = 2,
  AEGIS_CONV_BACKWARD_WEIGHTS = 3,
} aegis_conv_kind;

/// How an activation is stored. NHWC and nChw16c (blocks of 16 channels, [n, c/16, h, w, 16])
/// are layouts oneDNN computes in directly; NCHW ones are reordered to its blocked layout and back
/// on every call.
typedef enum { AEGIS_NCHW = 0, AEGIS_NHWC = 1, AEGIS_NCHW16C = 2 } aegis_format;

/// One convolution: input [n, c, h, w], weight [o, c, kh, kw], symmetric padding (logical sizes).
typedef struct {
  int n, c, h, w, o, kh, kw, stride, padding;
  /// Storage of the input (src, diff_src) and the output (dst, diff_dst) activations.
  aegis_format src_format, dst_format;
  /// Forward: add a bias. Backward weights: also compute the bias gradient.
  int bias;
  /// Forward only: apply ReLU to the output (fused post-op).
  int relu;
  /// Which caller thread (0, 1, …) runs it: each worker has its own primitives and buffers, so
  /// workers may call concurrently (on disjoint slices of the batch), each single-threaded.
  /// -1: one call using oneDNN's own OpenMP threads.
  int worker;
} aegis_conv_shape;

/// Forward: dst = conv(src, weights) (+ bias) (then ReLU). Returns 0 on success.
int aegis_conv_forward(const aegis_conv_shape *shape, int training, const float *src,
                       const float *weights, const float *bias, float *dst);

/// Backward data: diff_src = convᵀ(diff_dst, weights). Returns 0 on success.
int aegis_conv_backward_data(const aegis_conv_shape *shape, const float *diff_dst,
                             const float *weights, float *diff_src);

/// Backward weights: diff_weights (and diff_bias when shape->bias) from src and diff_dst.
int aegis_conv_backward_weights(const aegis_conv_shape *shape, const float *src,
                                const float *diff_dst, float *diff_weights, float *diff_bias);

/// Drops every cached primitive and buffer (tests, memory release).
void aegis_conv_clear_cache(void);

/// Number of cached primitives.
int aegis_conv_cache_count(void);

/// Name of the implementation oneDNN chose for a forward primitive of this shape ("" if none).
const char *aegis_conv_implementation(const aegis_conv_shape *shape, int kind);

// ---- Batch norm (batchnorm.c): [N, C, spatial] tensors, one channel or one image per call ----

/// Σx and Σx² over the batch of channel `ch`.
void aegis_bn_channel_moments(const float *x, int n, int c, int spatial, int ch, double *sum, double *sum_squares);

/// One image's [C, spatial] output: gamma·(x − mean)·inv_std + beta, then max(0, ·) when relu.
void aegis_bn_forward_image(const float *x, int c, int spatial, const float *mean, const float *inv_std,
                            const float *gamma, const float *beta, int relu, float *out);

/// Σg and Σg·x̂ of channel `ch`, x̂ = (x − mean)·inv_std, g masked where relu_output ≤ 0 (if given).
void aegis_bn_backward_channel_sums(const float *g, const float *x, const float *relu_output, int n, int c,
                                    int spatial, int ch, float mean, float inv_std, float *sum_g, float *sum_g_xhat);

/// One image's ∂x = γ·inv_std/M·(M·g − Σg − x̂·Σg·x̂) (g masked by relu_output when given), M = count.
void aegis_bn_backward_image(const float *g, const float *x, const float *relu_output, int c, int spatial, int count,
                             const float *mean, const float *inv_std, const float *gamma, const float *sum_g,
                             const float *sum_g_xhat, float *dx);

/// One image's max(0, x·scale + shift), per channel (batch norm with fixed statistics, then ReLU).
void aegis_affine_relu_image(const float *x, int c, int spatial, const float *scale, const float *shift, float *out);

/// One image's ∂x = g·scale where output > 0, else 0.
void aegis_affine_relu_backward_image(const float *g, const float *output, int c, int spatial, const float *scale,
                                      float *dx);

/// Σg and Σg·x of channel `ch` where output > 0 (∂shift and ∂scale).
void aegis_affine_relu_channel_sums(const float *g, const float *x, const float *output, int n, int c, int spatial,
                                    int ch, float *sum_g, float *sum_g_x);

// ---- Batch norm on channels-last tensors (batchnorm_nhwc.c): [rows, C], rows = N·H·W ----
// Each call covers a range of rows; sums are added into the caller's (zeroed) double arrays, so
// workers can take disjoint row ranges and the caller adds their partial sums.

/// Adds Σx and Σx² of every channel over `rows` rows.
void aegis_nhwc_moments(const float *x, int rows, int c, double *sum, double *sum_squares);

/// out = x·scale[c] + shift[c] (then max(0, ·) when relu), row by row.
void aegis_nhwc_affine(const float *x, int rows, int c, const float *scale, const float *shift, int relu, float *out);

/// Adds Σg and Σg·x̂ of every channel, x̂ = (x − mean)·inv_std, g masked where relu_output ≤ 0 (if given).
void aegis_nhwc_bn_backward_sums(const float *g, const float *x, const float *relu_output, int rows, int c,
                                 const float *mean, const float *inv_std, double *sum_g, double *sum_g_xhat);

/// ∂x = γ·inv_std/M·(M·g − Σg − x̂·Σg·x̂) (g masked by relu_output when given), M = count.
void aegis_nhwc_bn_backward(const float *g, const float *x, const float *relu_output, int rows, int c, int count,
                            const float *mean, const float *inv_std, const float *gamma, const float *sum_g,
                            const float *sum_g_xhat, float *dx);

/// ∂x = g·scale[c] where output > 0, else 0.
void aegis_nhwc_affine_relu_backward(const float *g, const float *output, int rows, int c, const float *scale, float *dx);

/// Adds Σg and Σg·x of every channel where output > 0 (∂shift and ∂scale).
void aegis_nhwc_affine_relu_sums(const float *g, const float *x, const float *output, int rows, int c, double *sum_g,
                                 double *sum_g_x);

#endif
