# Aegis figure: accuracy vs eps after fine-tuning
# Redraw with: gnuplot robustness-curves.gp
# (data and output paths are relative to this script's directory)
_aegis_dir = ''
if (exists('ARG0')) { do for [_aegis_i = strlen(ARG0):1:-1] { if (_aegis_dir eq '' && ARG0[_aegis_i:_aegis_i] eq '/') { _aegis_dir = ARG0[1:_aegis_i] } } }
if (_aegis_dir ne '') { cd _aegis_dir }
set terminal svg size 800,600
set termoption noenhanced
set output 'robustness-curves.svg'
set datafile separator tab
set datafile missing 'NaN'
set title 'accuracy vs eps after fine-tuning'
set xlabel 'epsilon (L-inf, [0,1] units)'
set ylabel 'accuracy'
set yrange [0.0:1.0]
set grid
set key box opaque
plot 'robustness-curves.dat' index 0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 title 'P1F4', \
     'robustness-curves.dat' index 1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 title 'P3F4', \
     'robustness-curves.dat' index 2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 title 'P3F2'
unset output
