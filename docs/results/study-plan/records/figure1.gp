# Aegis figure: SA vs RA (PGD-20), mean over seeds with 95% intervals
# Redraw with: gnuplot figure1.gp
# (data and output paths are relative to this script's directory)
_aegis_dir = ''
if (exists('ARG0')) { do for [_aegis_i = strlen(ARG0):1:-1] { if (_aegis_dir eq '' && ARG0[_aegis_i:_aegis_i] eq '/') { _aegis_dir = ARG0[1:_aegis_i] } } }
if (_aegis_dir ne '') { cd _aegis_dir }
if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) { set terminal pngcairo size 800,600 } else { set terminal png size 800,600 }
set termoption noenhanced
set output 'figure1.png'
set datafile separator tab
set datafile missing 'NaN'
set title 'SA vs RA (PGD-20), mean over seeds with 95% intervals'
set xlabel 'standard accuracy (SA)'
set ylabel 'robust accuracy (RA)'
set grid
unset key
set offsets graph 0.05, graph 0.2, graph 0.1, graph 0.05
set label 1 'P1F4' at 0.8213666666666666,0.7171666666666666 left offset character 1,0.5 front
set label 2 'jigsaw P2F4' at 0.8294333333333332,0.7220666666666666 left offset character 1,0.5 front
set label 3 'jigsaw P3F4' at 0.8344,0.7385 left offset character 1,0.5 front
set label 4 'rotation P2F4' at 0.8235666666666668,0.7188333333333334 left offset character 1,0.5 front
set label 5 'rotation P3F4' at 0.8363333333333335,0.7344333333333332 left offset character 1,0.5 front
set label 6 'selfie P2F4' at 0.8246333333333333,0.7169666666666666 left offset character 1,0.5 front
set label 7 'selfie P3F4' at 0.8359666666666666,0.7359666666666667 left offset character 1,0.5 front
plot 'figure1.dat' index 0 using 1:2:3 with yerrorbars pt 7 ps 1.2 title 'models'
unset output
