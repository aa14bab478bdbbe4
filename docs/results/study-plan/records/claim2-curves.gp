# Aegis figure: validation RA per fine-tuning epoch (mean over seeds)
# Redraw with: gnuplot claim2-curves.gp
# (data and output paths are relative to this script's directory)
_aegis_dir = ''
if (exists('ARG0')) { do for [_aegis_i = strlen(ARG0):1:-1] { if (_aegis_dir eq '' && ARG0[_aegis_i:_aegis_i] eq '/') { _aegis_dir = ARG0[1:_aegis_i] } } }
if (_aegis_dir ne '') { cd _aegis_dir }
if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) { set terminal pngcairo size 800,600 } else { set terminal png size 800,600 }
set termoption noenhanced
set output 'claim2-curves.png'
set datafile separator tab
set datafile missing 'NaN'
set title 'validation RA per fine-tuning epoch (mean over seeds)'
set xlabel 'epoch'
set ylabel 'robust accuracy (PGD)'
set grid
set key box opaque bottom right
plot 'claim2-curves.dat' index 0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 title 'P1F4', \
     'claim2-curves.dat' index 1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 title 'rotation P3F4', \
     'claim2-curves.dat' index 2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 title 'jigsaw P3F4', \
     'claim2-curves.dat' index 3 using 1:2 with linespoints lw 2 pt 7 ps 0.8 title 'selfie P3F4'
unset output
