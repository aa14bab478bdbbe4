# Aegis figure: fine-tuning: validation SA and RA
# Redraw with: gnuplot finetuning-curves.gp
# (data and output paths are relative to this script's directory)
_aegis_dir = ''
if (exists('ARG0')) { do for [_aegis_i = strlen(ARG0):1:-1] { if (_aegis_dir eq '' && ARG0[_aegis_i:_aegis_i] eq '/') { _aegis_dir = ARG0[1:_aegis_i] } } }
if (_aegis_dir ne '') { cd _aegis_dir }
set terminal svg size 800,600
set termoption noenhanced
set output 'finetuning-curves.svg'
set datafile separator tab
set datafile missing 'NaN'
set title 'fine-tuning: validation SA and RA'
set xlabel 'epoch'
set ylabel 'value'
set grid
set key box opaque
plot 'finetuning-curves.dat' index 0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 title 'P1F4 val_sa', \
     'finetuning-curves.dat' index 1 using 1:2 with linespoints lw 2 pt 7 ps 0.8 title 'P1F4 val_ra', \
     'finetuning-curves.dat' index 2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 title 'P3F4 val_sa', \
     'finetuning-curves.dat' index 3 using 1:2 with linespoints lw 2 pt 7 ps 0.8 title 'P3F4 val_ra', \
     'finetuning-curves.dat' index 4 using 1:2 with linespoints lw 2 pt 7 ps 0.8 title 'P3F2 val_sa', \
     'finetuning-curves.dat' index 5 using 1:2 with linespoints lw 2 pt 7 ps 0.8 title 'P3F2 val_ra'
unset output
