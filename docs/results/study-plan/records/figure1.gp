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
set key box outside right top
set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05
plot 'figure1.dat' index 0 using 1:2:3:4 with xyerrorbars pt 7 ps 1.2 title 'P1F1', \
     'figure1.dat' index 1 using 1:2:3:4 with xyerrorbars pt 5 ps 1.2 title 'P1F4', \
     'figure1.dat' index 2 using 1:2:3:4 with xyerrorbars pt 9 ps 1.2 title 'jigsaw P2F4', \
     'figure1.dat' index 3 using 1:2:3:4 with xyerrorbars pt 11 ps 1.2 title 'jigsaw P3F4', \
     'figure1.dat' index 4 using 1:2:3:4 with xyerrorbars pt 13 ps 1.2 title 'model-ensemble P3F4', \
     'figure1.dat' index 5 using 1:2:3:4 with xyerrorbars pt 15 ps 1.2 title 'rotation P2F4', \
     'figure1.dat' index 6 using 1:2:3:4 with xyerrorbars pt 7 ps 1.2 title 'rotation P3F4', \
     'figure1.dat' index 7 using 1:2:3:4 with xyerrorbars pt 5 ps 1.2 title 'selfie P2F4', \
     'figure1.dat' index 8 using 1:2:3:4 with xyerrorbars pt 9 ps 1.2 title 'selfie P3F4'
unset output
