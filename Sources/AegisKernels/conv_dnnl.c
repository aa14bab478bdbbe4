// oneDNN convolutions with a shape-keyed primitive cache. Creating a primitive JIT-compiles a
// kernel (milliseconds), so each (kind, shape) is built once and kept. oneDNN is free to choose
// its blocked layouts (format `any`); user tensors are reordered in and out through buffers kept
// in the cache entry, so steady-state calls allocate nothing. Set AEGIS_DNNL_PLAIN=1 to force
// plain NCHW/OIHW layouts (no reorders), for measuring what the reorders cost. NHWC and nChw16c
// activations (shape.src_format, dst_format) are always passed to oneDNN as they are.
//
// Threads: the engine's callers split the batch over their own worker threads and every call
// runs single-threaded (OpenMP team of one). oneDNN's OpenMP threads would otherwise spin-wait
// after each primitive and synchronize at barriers inside it, which on a loaded 2-core machine
// stalls whenever one of them is descheduled (measured: 2.5× slower training step).
//
// Scratchpads: every primitive (and reorder) gets its own, in user scratchpad mode. oneDNN's
// default library mode shares a scratchpad that is only safe when a primitive runs on the thread
// that created it, and a worker's entry runs on whichever dispatch thread takes that slice:
// with the shared one, a backward-weights call crashed zeroing a scratchpad another thread had
// just replaced (CI, AMD EPYC, in EnsembleTests).
//
// Memory: the blocked-layout copies and the scratchpads of all of a worker's primitives live in
// one arena per worker, grown to the largest single call and bound at each call. A worker runs
// one primitive at a time, so they can share it; with a buffer per cached primitive, every batch
// size seen (training, the last partial batch, evaluation) kept its own copies of every
// activation, and a SmallCNN run peaked at 1.5 GiB RSS against PyTorch's 0.7.

#include "AegisKernels.h"

#include <dnnl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

extern void omp_set_num_threads(int);

enum { MAX_SLOTS = 5, MAX_ENTRIES = 256 };

/// One argument of a primitive: the user's plain memory and, when oneDNN wants another
/// layout, its own buffer and the reorder between them.
typedef struct {
  int arg;
  int is_output;
  dnnl_memory_t user;      // plain layout, data handle set per call
  dnnl_memory_t internal;  // oneDNN's layout (NULL when it equals the plain one); arena-backed
  size_t internal_bytes;
  dnnl_primitive_t reorder;
  dnnl_memory_t reorder_scratch;  // NULL when the reorder needs none; arena-backed
  size_t reorder_scratch_bytes;
} slot;

typedef struct {
  int kind;
  aegis_conv_shape shape;
  dnnl_primitive_desc_t pd;
  dnnl_primitive_t primitive;
  dnnl_stream_t stream;  // one per entry: streams are not thread-safe, entries are per worker
  dnnl_memory_t scratch;  // the primitive's scratchpad (NULL when it needs none); arena-backed
  size_t scratch_bytes;
  slot slots[MAX_SLOTS];
  int slot_count;
} entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static dnnl_engine_t engine;
static entry *entries[MAX_ENTRIES];
static int entry_count;
static int force_plain = -1;

/// Per-worker memory for blocked copies and scratchpads (index worker + 1; 0 is the OpenMP mode,
/// which runs under `lock`).
enum { MAX_ARENAS = 65, ALIGNMENT = 64 };
typedef struct {
  char *base;
  size_t capacity;
} arena;
static arena arenas[MAX_ARENAS];

static size_t aligned(size_t bytes) { return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT; }

/// At least `bytes` of worker memory (its old contents are not kept); NULL when out of memory.
static char *reserve(int worker, size_t bytes) {
  if (worker + 1 < 0 || worker + 1 >= MAX_ARENAS) return NULL;
  arena *a = &arenas[worker + 1];
  if (a->capacity < bytes) {
    free(a->base);
    a->base = aligned_alloc(ALIGNMENT, aligned(bytes));
    a->capacity = a->base ? aligned(bytes) : 0;
  }
  return a->base;
}

static int ensure_engine(void) {
  if (engine) return 0;
  if (dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success) return -1;
  const char *plain = getenv("AEGIS_DNNL_PLAIN");
  force_plain = plain && plain[0] == '1';
  return 0;
}

static int same_shape(const aegis_conv_shape *a, const aegis_conv_shape *b) {
  return a->n == b->n && a->c == b->c && a->h == b->h && a->w == b->w && a->o == b->o && a->kh == b->kh &&
         a->kw == b->kw && a->stride == b->stride && a->padding == b->padding && a->bias == b->bias &&
         a->relu == b->relu && a->worker == b->worker && a->src_format == b->src_format &&
         a->dst_format == b->dst_format;
}

static int out_size(int in, int k, int s, int p) { return (in + 2 * p - k) / s + 1; }

/// The tag of an activation stored as `format`: NHWC and nChw16c are used as they are (no
/// reorder); for NCHW, `any` lets oneDNN choose and the call reorders.
static dnnl_format_tag_t activation_tag(aegis_format format, int any) {
  switch (format) {
  case AEGIS_NHWC: return dnnl_nhwc;
  case AEGIS_NCHW16C: return dnnl_nChw16c;
  default: return any ? dnnl_format_tag_any : dnnl_nchw;
  }
}

/// The four descriptors of a convolution. With `any`, oneDNN chooses the weights' layout, and
/// that of NCHW activations.
static void init_mds(const aegis_conv_shape *s, int any, dnnl_memory_desc_t *src, dnnl_memory_desc_t *wei,
                     dnnl_memory_desc_t *bias, dnnl_memory_desc_t *dst) {
  dnnl_dims_t sd = {s->n, s->c, s->h, s->w};
  dnnl_dims_t wd = {s->o, s->c, s->kh, s->kw};
  dnnl_dims_t bd = {s->o};
  dnnl_dims_t dd = {s->n, s->o, out_size(s->h, s->kh, s->stride, s->padding), out_size(s->w, s->kw, s->stride, s->padding)};
  dnnl_memory_desc_init_by_tag(src, 4, sd, dnnl_f32, activation_tag(s->src_format, any));
  dnnl_memory_desc_init_by_tag(wei, 4, wd, dnnl_f32, any ? dnnl_format_tag_any : dnnl_oihw);
  dnnl_memory_desc_init_by_tag(bias, 1, bd, dnnl_f32, dnnl_x);
  dnnl_memory_desc_init_by_tag(dst, 4, dd, dnnl_f32, activation_tag(s->dst_format, any));
}

static int init_desc(int kind, const aegis_conv_shape *s, int any, dnnl_convolution_desc_t *desc) {
  dnnl_memory_desc_t src, wei, bias, dst;
  init_mds(s, any, &src, &wei, &bias, &dst);
  dnnl_dims_t strides = {s->stride, s->stride}, pad = {s->padding, s->padding};
  dnnl_status_t st;
  switch (kind) {
  case AEGIS_CONV_FORWARD_TRAINING:
  case AEGIS_CONV_FORWARD_INFERENCE:
    st = dnnl_convolution_forward_desc_init(desc, kind == AEGIS_CONV_FORWARD_TRAINING ? dnnl_forward_training : dnnl_forward_inference,
                                            dnnl_convolution_direct, &src, &wei, s->bias ? &bias : NULL, &dst, strides, pad, pad);
    break;
  case AEGIS_CONV_BACKWARD_DATA:
    st = dnnl_convolution_backward_data_desc_init(desc, dnnl_convolution_direct, &src, &wei, &dst, strides, pad, pad);
    break;
  default:
    st = dnnl_convolution_backward_weights_desc_init(desc, dnnl_convolution_direct, &src, &wei, s->bias ? &bias : NULL, &dst,
                                                     strides, pad, pad);
  }
  return st == dnnl_success ? 0 : -1;
}

/// The plain (user) layout of argument `arg`.
static dnnl_memory_desc_t plain_md(const aegis_conv_shape *s, int arg) {
  dnnl_memory_desc_t src, wei, bias, dst;
  init_mds(s, 0, &src, &wei, &bias, &dst);
  switch (arg) {
  case DNNL_ARG_SRC: case DNNL_ARG_DIFF_SRC: return src;
  case DNNL_ARG_WEIGHTS: case DNNL_ARG_DIFF_WEIGHTS: return wei;
  case DNNL_ARG_BIAS: case DNNL_ARG_DIFF_BIAS: return bias;
  default: return dst;
  }
}

static dnnl_query_t query_for(int arg) {
  switch (arg) {
  case DNNL_ARG_SRC: return dnnl_query_src_md;
  case DNNL_ARG_DIFF_SRC: return dnnl_query_diff_src_md;
  case DNNL_ARG_WEIGHTS: return dnnl_query_weights_md;
  case DNNL_ARG_DIFF_WEIGHTS: return dnnl_query_diff_weights_md;
  case DNNL_ARG_DST: return dnnl_query_dst_md;
  default: return dnnl_query_diff_dst_md;
  }
}

/// An attribute that asks for user-managed scratchpads (see the header comment); NULL on failure.
static dnnl_primitive_attr_t user_scratchpad_attr(void) {
  dnnl_primitive_attr_t attr;
  if (dnnl_primitive_attr_create(&attr) != dnnl_success) return NULL;
  if (dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user) != dnnl_success) {
    dnnl_primitive_attr_destroy(attr);
    return NULL;
  }
  return attr;
}

/// The scratchpad `pd` asks for, as a memory without storage (bound to the arena per call);
/// `*memory` stays NULL when it asks for none.
static int describe_scratchpad(const_dnnl_primitive_desc_t pd, dnnl_memory_t *memory, size_t *bytes) {
  const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
  *bytes = md ? dnnl_memory_desc_get_size(md) : 0;
  if (*bytes == 0) return 0;
  return dnnl_memory_create(memory, md, engine, DNNL_MEMORY_NONE) == dnnl_success ? 0 : -1;
}

static int add_slot(entry *e, int arg, int is_output) {
  slot *sl = &e->slots[e->slot_count++];
  sl->arg = arg;
  sl->is_output = is_output;
  dnnl_memory_desc_t user = plain_md(&e->shape, arg);
  if (dnnl_memory_create(&sl->user, &user, engine, DNNL_MEMORY_NONE) != dnnl_success) return -1;
  if (arg == DNNL_ARG_BIAS || arg == DNNL_ARG_DIFF_BIAS) return 0;
  const dnnl_memory_desc_t *want = dnnl_primitive_desc_query_md(e->pd, query_for(arg), 0);
  if (!want || dnnl_memory_desc_equal(want, &user)) return 0;
  if (dnnl_memory_create(&sl->internal, want, engine, DNNL_MEMORY_NONE) != dnnl_success) return -1;
  sl->internal_bytes = dnnl_memory_desc_get_size(want);
  dnnl_primitive_attr_t attr = user_scratchpad_attr();
  if (!attr) return -1;
  dnnl_primitive_desc_t rpd;
  dnnl_status_t st = is_output ? dnnl_reorder_primitive_desc_create(&rpd, want, engine, &user, engine, attr)
                               : dnnl_reorder_primitive_desc_create(&rpd, &user, engine, want, engine, attr);
  dnnl_primitive_attr_destroy(attr);
  if (st != dnnl_success) return -1;
  st = dnnl_primitive_create(&sl->reorder, rpd);
  int scratch = st == dnnl_success ? describe_scratchpad(rpd, &sl->reorder_scratch, &sl->reorder_scratch_bytes) : -1;
  dnnl_primitive_desc_destroy(rpd);
  return scratch;
}

static void destroy_entry(entry *e) {
  for (int i = 0; i < e->slot_count; i++) {
    if (e->slots[i].user) dnnl_memory_destroy(e->slots[i].user);
    if (e->slots[i].internal) dnnl_memory_destroy(e->slots[i].internal);
    if (e->slots[i].reorder) dnnl_primitive_destroy(e->slots[i].reorder);
    if (e->slots[i].reorder_scratch) dnnl_memory_destroy(e->slots[i].reorder_scratch);
  }
  if (e->scratch) dnnl_memory_destroy(e->scratch);
  if (e->primitive) dnnl_primitive_destroy(e->primitive);
  if (e->stream) dnnl_stream_destroy(e->stream);
  if (e->pd) dnnl_primitive_desc_destroy(e->pd);
  free(e);
}

static entry *build(int kind, const aegis_conv_shape *s) {
  entry *e = calloc(1, sizeof(entry));
  if (!e) return NULL;
  e->kind = kind;
  e->shape = *s;
  int any = !force_plain;
  dnnl_convolution_desc_t desc, fwd_desc;
  dnnl_primitive_desc_t hint = NULL;
  dnnl_primitive_attr_t attr = NULL;
  int ok = init_desc(kind, s, any, &desc) == 0;
  if (ok && kind >= AEGIS_CONV_BACKWARD_DATA) {
    aegis_conv_shape fs = *s;
    fs.relu = 0;
    ok = init_desc(AEGIS_CONV_FORWARD_TRAINING, &fs, any, &fwd_desc) == 0 &&
         dnnl_primitive_desc_create(&hint, &fwd_desc, NULL, engine, NULL) == dnnl_success;
  }
  if (ok) ok = (attr = user_scratchpad_attr()) != NULL;
  if (ok && s->relu && kind <= AEGIS_CONV_FORWARD_INFERENCE) {
    dnnl_post_ops_t ops;
    ok = dnnl_post_ops_create(&ops) == dnnl_success;
    if (ok) {
      ok = dnnl_post_ops_append_eltwise(ops, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f) == dnnl_success &&
           dnnl_primitive_attr_set_post_ops(attr, ops) == dnnl_success;
      dnnl_post_ops_destroy(ops);
    }
  }
  ok = ok && dnnl_primitive_desc_create(&e->pd, &desc, attr, engine, hint) == dnnl_success;
  if (attr) dnnl_primitive_attr_destroy(attr);
  if (hint) dnnl_primitive_desc_destroy(hint);
  ok = ok && dnnl_primitive_create(&e->primitive, e->pd) == dnnl_success;
  ok = ok && describe_scratchpad(e->pd, &e->scratch, &e->scratch_bytes) == 0;
  ok = ok && dnnl_stream_create(&e->stream, engine, dnnl_stream_default_flags) == dnnl_success;
  switch (kind) {
  case AEGIS_CONV_FORWARD_TRAINING:
  case AEGIS_CONV_FORWARD_INFERENCE:
    ok = ok && add_slot(e, DNNL_ARG_SRC, 0) == 0 && add_slot(e, DNNL_ARG_WEIGHTS, 0) == 0 &&
         (!s->bias || add_slot(e, DNNL_ARG_BIAS, 0) == 0) && add_slot(e, DNNL_ARG_DST, 1) == 0;
    break;
  case AEGIS_CONV_BACKWARD_DATA:
    ok = ok && add_slot(e, DNNL_ARG_DIFF_DST, 0) == 0 && add_slot(e, DNNL_ARG_WEIGHTS, 0) == 0 &&
         add_slot(e, DNNL_ARG_DIFF_SRC, 1) == 0;
    break;
  default:
    ok = ok && add_slot(e, DNNL_ARG_SRC, 0) == 0 && add_slot(e, DNNL_ARG_DIFF_DST, 0) == 0 &&
         add_slot(e, DNNL_ARG_DIFF_WEIGHTS, 1) == 0 && (!s->bias || add_slot(e, DNNL_ARG_DIFF_BIAS, 1) == 0);
  }
  if (!ok) {
    destroy_entry(e);
    return NULL;
  }
  return e;
}

/// The cached entry for (kind, shape), built on first use. Caller holds `lock`. When the cache
/// is full (many shapes, e.g. varying batch sizes) the entry is not kept: `*owned` is set and
/// the caller destroys it after use (another worker may be running any cached entry).
static entry *lookup(int kind, const aegis_conv_shape *s, int *owned) {
  *owned = 0;
  if (ensure_engine() != 0) return NULL;
  for (int i = 0; i < entry_count; i++) {
    if (entries[i]->kind == kind && same_shape(&entries[i]->shape, s)) return entries[i];
  }
  entry *e = build(kind, s);
  if (!e) return NULL;
  if (entry_count == MAX_ENTRIES) {
    *owned = 1;
  } else {
    entries[entry_count++] = e;
  }
  return e;
}

/// Runs a slot's reorder from `from` to `to`, with its own scratchpad.
static int reorder(entry *e, slot *sl, dnnl_memory_t from, dnnl_memory_t to) {
  dnnl_exec_arg_t r[3] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}, {DNNL_ARG_SCRATCHPAD, sl->reorder_scratch}};
  return dnnl_primitive_execute(sl->reorder, e->stream, sl->reorder_scratch ? 3 : 2, r) == dnnl_success ? 0 : -1;
}

/// Points the entry's blocked copies and scratchpads at the worker's arena.
static int bind_arena(entry *e) {
  size_t total = aligned(e->scratch_bytes);
  for (int i = 0; i < e->slot_count; i++) total += aligned(e->slots[i].internal_bytes) + aligned(e->slots[i].reorder_scratch_bytes);
  if (total == 0) return 0;
  char *at = reserve(e->shape.worker, total);
  if (!at) return -1;
  if (e->scratch) {
    if (dnnl_memory_set_data_handle(e->scratch, at) != dnnl_success) return -1;
    at += aligned(e->scratch_bytes);
  }
  for (int i = 0; i < e->slot_count; i++) {
    slot *sl = &e->slots[i];
    if (sl->internal) {
      if (dnnl_memory_set_data_handle(sl->internal, at) != dnnl_success) return -1;
      at += aligned(sl->internal_bytes);
    }
    if (sl->reorder_scratch) {
      if (dnnl_memory_set_data_handle(sl->reorder_scratch, at) != dnnl_success) return -1;
      at += aligned(sl->reorder_scratch_bytes);
    }
  }
  return 0;
}

/// Binds `pointers` (one per slot, in slot order), reorders inputs, runs, reorders outputs.
static int run(entry *e, void *const *pointers) {
  dnnl_exec_arg_t args[MAX_SLOTS + 1];
  if (bind_arena(e) != 0) return -1;
  for (int i = 0; i < e->slot_count; i++) {
    slot *sl = &e->slots[i];
    if (dnnl_memory_set_data_handle(sl->user, pointers[i]) != dnnl_success) return -1;
    args[i].arg = sl->arg;
    args[i].memory = sl->internal ? sl->internal : sl->user;
    if (sl->reorder && !sl->is_output) {
      if (reorder(e, sl, sl->user, sl->internal) != 0) return -1;
    }
  }
  int count = e->slot_count;
  if (e->scratch) args[count++] = (dnnl_exec_arg_t){DNNL_ARG_SCRATCHPAD, e->scratch};
  if (dnnl_primitive_execute(e->primitive, e->stream, count, args) != dnnl_success) return -1;
  for (int i = 0; i < e->slot_count; i++) {
    slot *sl = &e->slots[i];
    if (sl->reorder && sl->is_output) {
      if (reorder(e, sl, sl->internal, sl->user) != 0) return -1;
    }
  }
  return dnnl_stream_wait(e->stream) == dnnl_success ? 0 : -1;
}

static int run_cached(int kind, const aegis_conv_shape *s, void *const *pointers) {
  if (s->worker >= 0) omp_set_num_threads(1);  // per calling thread; also fixes the JIT's plan
  pthread_mutex_lock(&lock);
  int owned;
  entry *e = lookup(kind, s, &owned);
  if (s->worker >= 0) pthread_mutex_unlock(&lock);  // the entry belongs to this worker alone
  int status = e ? run(e, pointers) : -1;
  if (s->worker < 0) pthread_mutex_unlock(&lock);
  if (owned) destroy_entry(e);
  return status;
}

int aegis_conv_forward(const aegis_conv_shape *s, int training, const float *src, const float *weights,
                       const float *bias, float *dst) {
  void *p[4] = {(void *)src, (void *)weights, (void *)bias, dst};
  if (!s->bias) p[2] = dst;  // slots are src, weights, [bias,] dst
  return run_cached(training ? AEGIS_CONV_FORWARD_TRAINING : AEGIS_CONV_FORWARD_INFERENCE, s, p);
}

int aegis_conv_backward_data(const aegis_conv_shape *s, const float *diff_dst, const float *weights, float *diff_src) {
  aegis_conv_shape k = *s;
  k.bias = 0;
  k.relu = 0;
  void *p[3] = {(void *)diff_dst, (void *)weights, diff_src};
  return run_cached(AEGIS_CONV_BACKWARD_DATA, &k, p);
}

int aegis_conv_backward_weights(const aegis_conv_shape *s, const float *src, const float *diff_dst, float *diff_weights,
                                float *diff_bias) {
  aegis_conv_shape k = *s;
  k.relu = 0;
  void *p[4] = {(void *)src, (void *)diff_dst, diff_weights, diff_bias};
  return run_cached(AEGIS_CONV_BACKWARD_WEIGHTS, &k, p);
}

void aegis_conv_clear_cache(void) {
  pthread_mutex_lock(&lock);
  for (int i = 0; i < entry_count; i++) destroy_entry(entries[i]);
  entry_count = 0;
  for (int i = 0; i < MAX_ARENAS; i++) {
    free(arenas[i].base);
    arenas[i] = (arena){NULL, 0};
  }
  pthread_mutex_unlock(&lock);
}

int aegis_conv_cache_count(void) { return entry_count; }

const char *aegis_conv_implementation(const aegis_conv_shape *s, int kind) {
  pthread_mutex_lock(&lock);
  int owned;
  entry *e = lookup(kind, s, &owned);
  const char *name = "";
  if (e) dnnl_primitive_desc_query(e->pd, dnnl_query_impl_info_str, 0, &name);
  if (owned) destroy_entry(e);  // (name is static in oneDNN's implementation list)
  pthread_mutex_unlock(&lock);
  return name ? name : "";
}
