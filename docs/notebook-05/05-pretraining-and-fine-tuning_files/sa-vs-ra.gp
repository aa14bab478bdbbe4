# Aegis figure: standard vs robust accuracy (mean over seeds)
# Redraw with: gnuplot sa-vs-ra.gp
# (data and output paths are relative to this script's directory)
_aegis_dir = ''
if (exists('ARG0')) { do for [_aegis_i = strlen(ARG0):1:-1] { if (_aegis_dir eq '' && ARG0[_aegis_i:_aegis_i] eq '/') { _aegis_dir = ARG0[1:_aegis_i] } } }
if (_aegis_dir ne '') { cd _aegis_dir }
set terminal svg size 800,600
set termoption noenhanced
set output 'sa-vs-ra.svg'
set datafile separator tab
set datafile missing 'NaN'
set title 'standard vs robust accuracy (mean over seeds)'
set xlabel 'standard accuracy (SA)'
set ylabel 'robust accuracy (RA)'
set grid
unset key
set offsets graph 0.05, graph 0.2, graph 0.1, graph 0.05
set label 1 'none P1F4' at 0.256,0.105 left offset character 1,0.5 front
set label 2 'rotation P3F4' at 0.284,0.15 left offset character 1,0.5 front
plot 'sa-vs-ra.dat' index 0 using 1:2 with points pt 7 ps 1.2 title 'models'
unset output
