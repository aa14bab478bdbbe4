// Probe: what would channels-last activations save? Times oneDNN convolutions of the study's
// model (PreActResNetMini, resnet(depth: 8, width: 16), on 28×28; one worker's slice of 64
// images, single-threaded as Aegis runs them) in two ways:
//   A. today's path: user tensors in NCHW, oneDNN free to choose its layout (format `any`),
//      activations reordered in and out around every call;
//   B. user tensors in NHWC (channels-last), no activation reorders.
// Timing only: the data is a fixed pattern, nothing is checked. Weights use `any` in both.
// Build and run (libdnnl-dev):  gcc -O2 -o /tmp/conv-layout-probe scripts/conv-layout-probe.c -ldnnl -lgomp && /tmp/conv-layout-probe 40
// Results and what they mean: docs/performance.md, "Where the convolution time goes".
#include <dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
extern void omp_set_num_threads(int);
static dnnl_engine_t eng; static dnnl_stream_t st;
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
typedef struct {int c,o,h,k,s,p;} shp;
static dnnl_memory_t mem(const dnnl_memory_desc_t*md){dnnl_memory_t m;dnnl_memory_create(&m,md,eng,DNNL_MEMORY_ALLOCATE);float*p;dnnl_memory_get_data_handle(m,(void**)&p);size_t n=dnnl_memory_desc_get_size(md)/4;for(size_t i=0;i<n;i++)p[i]=0.01f*(i%13);return m;}
static const dnnl_memory_desc_t* MD(dnnl_memory_t m){const dnnl_memory_desc_t*d;dnnl_memory_get_memory_desc(m,&d);return d;}
typedef struct {dnnl_primitive_t r; dnnl_memory_t a,b;} RO;
static RO mk(dnnl_memory_t a,dnnl_memory_t b){RO o={NULL,a,b}; if(!dnnl_memory_desc_equal(MD(a),MD(b))){dnnl_primitive_desc_t rpd; dnnl_reorder_primitive_desc_create(&rpd,MD(a),eng,MD(b),eng,NULL); dnnl_primitive_create(&o.r,rpd); dnnl_primitive_desc_destroy(rpd);} return o;}
static void ex(RO o){ if(!o.r) return; dnnl_exec_arg_t ar[2]={{DNNL_ARG_FROM,o.a},{DNNL_ARG_TO,o.b}}; dnnl_primitive_execute(o.r,st,2,ar); }
int N=64;
// Seconds per iteration of the passes in `kind` (1 forward, 2 backward data, 4 backward weights),
// with each pass's activation reorders when `nhwc` is 0. Frees what it creates.
double run(shp q,int nhwc,int iters,int kind){
 int oh=(q.h+2*q.p-q.k)/q.s+1;
 dnnl_dims_t sd={N,q.c,q.h,q.h},wd={q.o,q.c,q.k,q.k},dd={N,q.o,oh,oh},str={q.s,q.s},pad={q.p,q.p};
 dnnl_memory_desc_t src,wei,dst,usrc,udst;
 dnnl_format_tag_t act = nhwc? dnnl_nhwc: dnnl_format_tag_any;
 dnnl_memory_desc_init_by_tag(&src,4,sd,dnnl_f32,act);
 dnnl_memory_desc_init_by_tag(&wei,4,wd,dnnl_f32,dnnl_format_tag_any);
 dnnl_memory_desc_init_by_tag(&dst,4,dd,dnnl_f32,act);
 dnnl_memory_desc_init_by_tag(&usrc,4,sd,dnnl_f32,nhwc?dnnl_nhwc:dnnl_nchw);
 dnnl_memory_desc_init_by_tag(&udst,4,dd,dnnl_f32,nhwc?dnnl_nhwc:dnnl_nchw);
 dnnl_convolution_desc_t fd,bd,wdsc; dnnl_primitive_desc_t fpd,bpd,wpd;
 dnnl_convolution_forward_desc_init(&fd,dnnl_forward_training,dnnl_convolution_direct,&src,&wei,NULL,&dst,str,pad,pad);
 dnnl_primitive_desc_create(&fpd,&fd,NULL,eng,NULL);
 dnnl_convolution_backward_data_desc_init(&bd,dnnl_convolution_direct,&src,&wei,&dst,str,pad,pad);
 dnnl_primitive_desc_create(&bpd,&bd,NULL,eng,fpd);
 dnnl_convolution_backward_weights_desc_init(&wdsc,dnnl_convolution_direct,&src,&wei,NULL,&dst,str,pad,pad);
 dnnl_primitive_desc_create(&wpd,&wdsc,NULL,eng,fpd);
 const char* impl; dnnl_primitive_desc_query(fpd,dnnl_query_impl_info_str,0,&impl);
 const char* impl2; dnnl_primitive_desc_query(bpd,dnnl_query_impl_info_str,0,&impl2);
 const char* impl3; dnnl_primitive_desc_query(wpd,dnnl_query_impl_info_str,0,&impl3);
 const dnnl_memory_desc_t *fs=dnnl_primitive_desc_query_md(fpd,dnnl_query_src_md,0),*fw=dnnl_primitive_desc_query_md(fpd,dnnl_query_weights_md,0),*fdst=dnnl_primitive_desc_query_md(fpd,dnnl_query_dst_md,0);
 const dnnl_memory_desc_t *bds=dnnl_primitive_desc_query_md(bpd,dnnl_query_diff_src_md,0),*bdd=dnnl_primitive_desc_query_md(bpd,dnnl_query_diff_dst_md,0),*bw=dnnl_primitive_desc_query_md(bpd,dnnl_query_weights_md,0);
 const dnnl_memory_desc_t *ws=dnnl_primitive_desc_query_md(wpd,dnnl_query_src_md,0),*wdd=dnnl_primitive_desc_query_md(wpd,dnnl_query_diff_dst_md,0),*ww=dnnl_primitive_desc_query_md(wpd,dnnl_query_diff_weights_md,0);
 dnnl_memory_t mus=mem(&usrc),mud=mem(&udst),mus2=mem(&usrc),mud2=mem(&udst);
 dnnl_memory_t ms=mem(fs),mw=mem(fw),md=mem(fdst),mbs=mem(bds),mbd=mem(bdd),mbw=mem(bw),mws=mem(ws),mwd=mem(wdd),mww=mem(ww);
 dnnl_primitive_t fp,bp,wp; dnnl_primitive_create(&fp,fpd);dnnl_primitive_create(&bp,bpd);dnnl_primitive_create(&wp,wpd);
 RO r_fs=mk(mus,ms), r_fd=mk(md,mud), r_bd=mk(mud2,mbd), r_bs=mk(mbs,mus2), r_ws=mk(mus,mws), r_wd=mk(mud2,mwd);
 double t0=0;
 for(int it=0;it<iters+3;it++){
  if(it==3)t0=now();
  // forward: user src -> ms, conv, md -> user dst
  if(kind&1){
  ex(r_fs);
  {dnnl_exec_arg_t a[3]={{DNNL_ARG_SRC,ms},{DNNL_ARG_WEIGHTS,mw},{DNNL_ARG_DST,md}};dnnl_primitive_execute(fp,st,3,a);}
  ex(r_fd);}
  if(kind&2){
  ex(r_bd);
  {dnnl_exec_arg_t a[3]={{DNNL_ARG_DIFF_DST,mbd},{DNNL_ARG_WEIGHTS,mbw},{DNNL_ARG_DIFF_SRC,mbs}};dnnl_primitive_execute(bp,st,3,a);}
  ex(r_bs);}
  if(kind&4){
  ex(r_ws); ex(r_wd);
  {dnnl_exec_arg_t a[3]={{DNNL_ARG_SRC,mws},{DNNL_ARG_DIFF_DST,mwd},{DNNL_ARG_DIFF_WEIGHTS,mww}};dnnl_primitive_execute(wp,st,3,a);}
  }
 }
 dnnl_stream_wait(st);
 double t=(now()-t0)/iters;
 if(kind==7) fprintf(stderr,"  %s: %s | %s | %s\n",nhwc?"NHWC":"any ",impl,impl2,impl3);
 RO ros[]={r_fs,r_fd,r_bd,r_bs,r_ws,r_wd};
 for(int i=0;i<6;i++) if(ros[i].r) dnnl_primitive_destroy(ros[i].r);
 dnnl_primitive_destroy(fp); dnnl_primitive_destroy(bp); dnnl_primitive_destroy(wp);
 dnnl_primitive_desc_destroy(fpd); dnnl_primitive_desc_destroy(bpd); dnnl_primitive_desc_destroy(wpd);
 dnnl_memory_t mems[]={mus,mud,mus2,mud2,ms,mw,md,mbs,mbd,mbw,mws,mwd,mww};
 for(int i=0;i<13;i++) dnnl_memory_destroy(mems[i]);
 return t;
}
int main(int argc,char**argv){
 omp_set_num_threads(1);
 dnnl_engine_create(&eng,dnnl_cpu,0); dnnl_stream_create(&st,eng,dnnl_stream_default_flags);
 shp S[]={{1,16,28,3,1,1},{16,16,28,3,1,1},{16,32,28,3,2,1},{32,32,14,3,1,1},{16,32,28,1,2,0},{32,64,14,3,2,1},{64,64,7,3,1,1},{32,64,14,1,2,0}};
 int iters=argc>1?atoi(argv[1]):40; double ta=0,tb=0;
 const char*names[]={"","forward_training","backward_data","","backward_weights"};
 for(int k=0;k<8;k++){
  for(int kind=1;kind<=4;kind<<=1){
   double a=run(S[k],0,iters,kind), b=run(S[k],1,iters,kind), a2=run(S[k],0,iters,kind), b2=run(S[k],1,iters,kind);
   printf("%2d->%2d %2dx%-2d k%d s%d %-16s  NCHW+reorders %6.3f ms   NHWC %6.3f ms\n",S[k].c,S[k].o,S[k].h,S[k].h,S[k].k,S[k].s,names[kind],(a+a2)/2*1e3,(b+b2)/2*1e3);
   ta+=(a+a2)/2; tb+=(b+b2)/2;
  }
  run(S[k],0,1,7); run(S[k],1,1,7);
 }
 printf("sum over the shapes (once each): NCHW+reorders %.2f ms, NHWC %.2f ms, ratio %.2f\n",ta*1e3,tb*1e3,ta/tb);
}
