#compdef obsmon

autoload -U is-at-least

_obsmon() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'-j+[Worker threads \[default\: number of cores\]]:N:_default' \
'--jobs=[Worker threads \[default\: number of cores\]]:N:_default' \
'--metrics-file=[After the run, write the Prometheus exposition to PATH (atomically), for node_exporter'\''s textfile collector]:PATH:_files' \
'--color=[Colours\: never, 16, 256 or truecolor \[default\: from NO_COLOR, COLORTERM and TERM\]]:WHEN:((never\:"No colour at all (also \`NO_COLOR\`)\: pictures become greyscale glyphs"
16\:"The 16 ANSI colours"
256\:"The xterm 256-colour palette"
truecolor\:"24-bit colour"))' \
'--serve=[With the dashboard\: also serve the read-only HTTP API on ADDR (e.g. 127.0.0.1\:8889)]:ADDR:_default' \
'--db=[The database file \[default\: \$XDG_DATA_HOME/obsmon/index.redb\]]:PATH:_files' \
'--config=[The configuration file \[default\: \$XDG_CONFIG_HOME/obsmon/obsmon.toml\]]:PATH:_files' \
'--index-only[Index DIR... once and exit (the same as \`obsmon index DIR...\`), for cron]' \
'--json[Print the run'\''s summary as one JSON object]' \
'--no-pixels[Header metadata only\: do not read pixels (no noise, peak, dynamic range, sources)]' \
'--no-sources[Image statistics without the source finder and association]' \
'--mouse[Capture the mouse (the wheel scrolls); off by default so the terminal'\''s own selection and copy keep working]' \
'*-v[More log output on stderr (-v info, -vv debug)]' \
'*--verbose[More log output on stderr (-v info, -vv debug)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'::dirs -- Directories to watch (with --index-only\: to index):_files' \
":: :_obsmon_commands" \
"*::: :->obsmon" \
&& ret=0
    case $state in
    (obsmon)
        words=($line[2] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:obsmon-command-$line[2]:"
        case $line[2] in
            (index)
_arguments "${_arguments_options[@]}" : \
'-j+[Worker threads \[default\: number of cores\]]:N:_default' \
'--jobs=[Worker threads \[default\: number of cores\]]:N:_default' \
'--metrics-file=[After the run, write the Prometheus exposition to PATH (atomically), for node_exporter'\''s textfile collector]:PATH:_files' \
'--db=[The database file \[default\: \$XDG_DATA_HOME/obsmon/index.redb\]]:PATH:_files' \
'--config=[The configuration file \[default\: \$XDG_CONFIG_HOME/obsmon/obsmon.toml\]]:PATH:_files' \
'--json[Print the run'\''s summary as one JSON object]' \
'--no-pixels[Header metadata only\: do not read pixels (no noise, peak, dynamic range, sources)]' \
'--no-sources[Image statistics without the source finder and association]' \
'*-v[More log output on stderr (-v info, -vv debug)]' \
'*--verbose[More log output on stderr (-v info, -vv debug)]' \
'-h[Print help]' \
'--help[Print help]' \
'*::dirs -- Directories (or files) to index:_files' \
&& ret=0
;;
(watch)
_arguments "${_arguments_options[@]}" : \
'--poll=[Scan only, every SECS seconds (network filesystems, where file events do not arrive)]::SECS:_default' \
'--rescan=[Full reconcile scan every SECS seconds \[default\: 60, or the config file'\''s\]]:SECS:_default' \
'--settle=[Seconds a file must stay unchanged before it is read (when no close or rename is seen) \[default\: 1, or the config file'\''s\]]:SECS:_default' \
'-j+[Worker threads \[default\: number of cores\]]:N:_default' \
'--jobs=[Worker threads \[default\: number of cores\]]:N:_default' \
'--metrics-addr=[Serve Prometheus metrics on ADDR (e.g. 127.0.0.1\:9464) at /metrics]:ADDR:_default' \
'--serve=[Also serve the read-only HTTP API on ADDR (e.g. 127.0.0.1\:8889)]:ADDR:_default' \
'--db=[The database file \[default\: \$XDG_DATA_HOME/obsmon/index.redb\]]:PATH:_files' \
'--config=[The configuration file \[default\: \$XDG_CONFIG_HOME/obsmon/obsmon.toml\]]:PATH:_files' \
'*-v[More log output on stderr (-v info, -vv debug)]' \
'*--verbose[More log output on stderr (-v info, -vv debug)]' \
'-h[Print help]' \
'--help[Print help]' \
'*::dirs -- Directories to watch \[default\: `\[watch\] dirs` of the config file\]:_files' \
&& ret=0
;;
(serve)
_arguments "${_arguments_options[@]}" : \
'--addr=[Address to listen on (loopback by default)]:ADDR:_default' \
'--db=[The database file \[default\: \$XDG_DATA_HOME/obsmon/index.redb\]]:PATH:_files' \
'--config=[The configuration file \[default\: \$XDG_CONFIG_HOME/obsmon/obsmon.toml\]]:PATH:_files' \
'*-v[More log output on stderr (-v info, -vv debug)]' \
'*--verbose[More log output on stderr (-v info, -vv debug)]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(health)
_arguments "${_arguments_options[@]}" : \
'--db=[The database file \[default\: \$XDG_DATA_HOME/obsmon/index.redb\]]:PATH:_files' \
'--config=[The configuration file \[default\: \$XDG_CONFIG_HOME/obsmon/obsmon.toml\]]:PATH:_files' \
'--json[Every check as JSON]' \
'*-v[More log output on stderr (-v info, -vv debug)]' \
'*--verbose[More log output on stderr (-v info, -vv debug)]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(stats)
_arguments "${_arguments_options[@]}" : \
'--db=[The database file \[default\: \$XDG_DATA_HOME/obsmon/index.redb\]]:PATH:_files' \
'--config=[The configuration file \[default\: \$XDG_CONFIG_HOME/obsmon/obsmon.toml\]]:PATH:_files' \
'--json[JSON output]' \
'*-v[More log output on stderr (-v info, -vv debug)]' \
'*--verbose[More log output on stderr (-v info, -vv debug)]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(runs)
_arguments "${_arguments_options[@]}" : \
'--limit=[At most N runs, newest first]:LIMIT:_default' \
'--db=[The database file \[default\: \$XDG_DATA_HOME/obsmon/index.redb\]]:PATH:_files' \
'--config=[The configuration file \[default\: \$XDG_CONFIG_HOME/obsmon/obsmon.toml\]]:PATH:_files' \
'--json[JSON output]' \
'*-v[More log output on stderr (-v info, -vv debug)]' \
'*--verbose[More log output on stderr (-v info, -vv debug)]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(metrics)
_arguments "${_arguments_options[@]}" : \
'--db=[The database file \[default\: \$XDG_DATA_HOME/obsmon/index.redb\]]:PATH:_files' \
'--config=[The configuration file \[default\: \$XDG_CONFIG_HOME/obsmon/obsmon.toml\]]:PATH:_files' \
'*-v[More log output on stderr (-v info, -vv debug)]' \
'*--verbose[More log output on stderr (-v info, -vv debug)]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(images)
_arguments "${_arguments_options[@]}" : \
'--limit=[At most N rows]:LIMIT:_default' \
'--since=[Only images observed at or after this time (ISO 8601, UTC)]:ISO:_default' \
'--type=[Only this product type (image, pbcor, residual, psf, model, ...)]:T:_default' \
'--field=[Only this field (OBJECT)]:F:_default' \
'--db=[The database file \[default\: \$XDG_DATA_HOME/obsmon/index.redb\]]:PATH:_files' \
'--config=[The configuration file \[default\: \$XDG_CONFIG_HOME/obsmon/obsmon.toml\]]:PATH:_files' \
'--json[JSON output (same as --format json)]' \
'--csv[CSV output (same as --format csv)]' \
'--missing[Include files that have vanished (state missing)]' \
'*-v[More log output on stderr (-v info, -vv debug)]' \
'*--verbose[More log output on stderr (-v info, -vv debug)]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(jobs)
_arguments "${_arguments_options[@]}" : \
'--state=[Only jobs in this state (queued, running, done, failed, incomplete, skipped)]:S:_default' \
'--limit=[At most N rows]:LIMIT:_default' \
'--db=[The database file \[default\: \$XDG_DATA_HOME/obsmon/index.redb\]]:PATH:_files' \
'--config=[The configuration file \[default\: \$XDG_CONFIG_HOME/obsmon/obsmon.toml\]]:PATH:_files' \
'--json[JSON output]' \
'*-v[More log output on stderr (-v info, -vv debug)]' \
'*--verbose[More log output on stderr (-v info, -vv debug)]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
'--db=[The database file \[default\: \$XDG_DATA_HOME/obsmon/index.redb\]]:PATH:_files' \
'--config=[The configuration file \[default\: \$XDG_CONFIG_HOME/obsmon/obsmon.toml\]]:PATH:_files' \
'--json[JSON output]' \
'*-v[More log output on stderr (-v info, -vv debug)]' \
'*--verbose[More log output on stderr (-v info, -vv debug)]' \
'-h[Print help]' \
'--help[Print help]' \
':target -- A path (as indexed) or an image id:_default' \
&& ret=0
;;
(sources)
_arguments "${_arguments_options[@]}" : \
'--cone=[Only within RA,DEC (degrees) and RADIUS (arcsec), e.g. 150.1,37.2,60]:RA,DEC,RADIUS_ARCSEC:_default' \
'--min-detections=[Only sources detected at least N times]:N:_default' \
'--sort=[Order\: eta, v, flux, n or name (default\: id)]:SORT:(eta v flux n name)' \
'--limit=[At most N rows]:LIMIT:_default' \
'--db=[The database file \[default\: \$XDG_DATA_HOME/obsmon/index.redb\]]:PATH:_files' \
'--config=[The configuration file \[default\: \$XDG_CONFIG_HOME/obsmon/obsmon.toml\]]:PATH:_files' \
'--json[JSON output]' \
'--csv[CSV output]' \
'--variable[Only variable sources]' \
'*-v[More log output on stderr (-v info, -vv debug)]' \
'*--verbose[More log output on stderr (-v info, -vv debug)]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(lightcurve)
_arguments "${_arguments_options[@]}" : \
'--db=[The database file \[default\: \$XDG_DATA_HOME/obsmon/index.redb\]]:PATH:_files' \
'--config=[The configuration file \[default\: \$XDG_CONFIG_HOME/obsmon/obsmon.toml\]]:PATH:_files' \
'--json[JSON output]' \
'--csv[CSV output]' \
'*-v[More log output on stderr (-v info, -vv debug)]' \
'*--verbose[More log output on stderr (-v info, -vv debug)]' \
'-h[Print help]' \
'--help[Print help]' \
':source -- Name (Jhhmmss.s+ddmmss) or id:_default' \
&& ret=0
;;
(detections)
_arguments "${_arguments_options[@]}" : \
'--db=[The database file \[default\: \$XDG_DATA_HOME/obsmon/index.redb\]]:PATH:_files' \
'--config=[The configuration file \[default\: \$XDG_CONFIG_HOME/obsmon/obsmon.toml\]]:PATH:_files' \
'--json[JSON output]' \
'*-v[More log output on stderr (-v info, -vv debug)]' \
'*--verbose[More log output on stderr (-v info, -vv debug)]' \
'-h[Print help]' \
'--help[Print help]' \
':image -- A path (as indexed) or an image id:_default' \
&& ret=0
;;
(synth)
_arguments "${_arguments_options[@]}" : \
'--count=[Number of images (epochs, 5 minutes apart)]:COUNT:_default' \
'--size=[Image width and height, pixels]:SIZE:_default' \
'--seed=[Random seed (same seed, same sky)]:SEED:_default' \
'--sources=[Number of sources]:SOURCES:_default' \
'--db=[The database file \[default\: \$XDG_DATA_HOME/obsmon/index.redb\]]:PATH:_files' \
'--config=[The configuration file \[default\: \$XDG_CONFIG_HOME/obsmon/obsmon.toml\]]:PATH:_files' \
'*-v[More log output on stderr (-v info, -vv debug)]' \
'*--verbose[More log output on stderr (-v info, -vv debug)]' \
'-h[Print help]' \
'--help[Print help]' \
':dir -- Where to write:_files' \
&& ret=0
;;
(config)
_arguments "${_arguments_options[@]}" : \
'--db=[The database file \[default\: \$XDG_DATA_HOME/obsmon/index.redb\]]:PATH:_files' \
'--config=[The configuration file \[default\: \$XDG_CONFIG_HOME/obsmon/obsmon.toml\]]:PATH:_files' \
'--default[Print the commented default configuration (to start an obsmon.toml from)]' \
'*-v[More log output on stderr (-v info, -vv debug)]' \
'*--verbose[More log output on stderr (-v info, -vv debug)]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
'--db=[The database file \[default\: \$XDG_DATA_HOME/obsmon/index.redb\]]:PATH:_files' \
'--config=[The configuration file \[default\: \$XDG_CONFIG_HOME/obsmon/obsmon.toml\]]:PATH:_files' \
'*-v[More log output on stderr (-v info, -vv debug)]' \
'*--verbose[More log output on stderr (-v info, -vv debug)]' \
'-h[Print help]' \
'--help[Print help]' \
':shell -- The shell:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(tui)
_arguments "${_arguments_options[@]}" : \
'--poll=[Scan only, every SECS seconds (network filesystems, where file events do not arrive)]::SECS:_default' \
'--rescan=[Full reconcile scan every SECS seconds \[default\: 60, or the config file'\''s\]]:SECS:_default' \
'--settle=[Seconds a file must stay unchanged before it is read (when no close or rename is seen) \[default\: 1, or the config file'\''s\]]:SECS:_default' \
'-j+[Worker threads \[default\: number of cores\]]:N:_default' \
'--jobs=[Worker threads \[default\: number of cores\]]:N:_default' \
'--metrics-addr=[Serve Prometheus metrics on ADDR (e.g. 127.0.0.1\:9464) at /metrics]:ADDR:_default' \
'--serve=[Also serve the read-only HTTP API on ADDR (e.g. 127.0.0.1\:8889)]:ADDR:_default' \
'--color=[Colours\: never, 16, 256 or truecolor \[default\: from NO_COLOR, COLORTERM and TERM\]]:WHEN:((never\:"No colour at all (also \`NO_COLOR\`)\: pictures become greyscale glyphs"
16\:"The 16 ANSI colours"
256\:"The xterm 256-colour palette"
truecolor\:"24-bit colour"))' \
'--db=[The database file \[default\: \$XDG_DATA_HOME/obsmon/index.redb\]]:PATH:_files' \
'--config=[The configuration file \[default\: \$XDG_CONFIG_HOME/obsmon/obsmon.toml\]]:PATH:_files' \
'--mouse[Capture the mouse (the wheel scrolls); off by default so the terminal'\''s own selection and copy keep working]' \
'*-v[More log output on stderr (-v info, -vv debug)]' \
'*--verbose[More log output on stderr (-v info, -vv debug)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'*::dirs -- Directories to index live:_files' \
&& ret=0
;;
(demo)
_arguments "${_arguments_options[@]}" : \
'--count=[With --print\: number of images]:COUNT:_default' \
'--size=[Image size, pixels]:SIZE:_default' \
'--cadence=[Seconds between images]:CADENCE:_default' \
'--color=[Colours\: never, 16, 256 or truecolor \[default\: from NO_COLOR, COLORTERM and TERM\]]:WHEN:((never\:"No colour at all (also \`NO_COLOR\`)\: pictures become greyscale glyphs"
16\:"The 16 ANSI colours"
256\:"The xterm 256-colour palette"
truecolor\:"24-bit colour"))' \
'--db=[The database file \[default\: \$XDG_DATA_HOME/obsmon/index.redb\]]:PATH:_files' \
'--config=[The configuration file \[default\: \$XDG_CONFIG_HOME/obsmon/obsmon.toml\]]:PATH:_files' \
'--print[Print a summary instead of the dashboard]' \
'--mouse[Capture the mouse (the wheel scrolls); off by default so the terminal'\''s own selection and copy keep working]' \
'*-v[More log output on stderr (-v info, -vv debug)]' \
'*--verbose[More log output on stderr (-v info, -vv debug)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_obsmon__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:obsmon-help-command-$line[1]:"
        case $line[1] in
            (index)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(watch)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(serve)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(health)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(stats)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(runs)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(metrics)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(images)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(jobs)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(sources)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(lightcurve)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(detections)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(synth)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(config)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(tui)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(demo)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_obsmon_commands] )) ||
_obsmon_commands() {
    local commands; commands=(
'index:Index every FITS image under DIR... into the database, then exit' \
'watch:Keep the index current\: file events plus periodic reconcile scans (for systemd)' \
'serve:Serve the read-only HTTP API (the original pipeline'\''s /api/v1 endpoints)' \
'health:Health checks, as a Nagios/Icinga plugin (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)' \
'stats:Totals, the last 24 h, per-hour series, latency and database size' \
'runs:Pipeline runs derived from the products that share a timestamp' \
'metrics:Print the Prometheus exposition once' \
'images:List indexed images, newest first' \
'jobs:List indexing jobs (one per file\: its last attempt)' \
'show:Show one image\: its record and every header card' \
'sources:List sky sources (the same object across images)' \
'lightcurve:The light curve of one sky source (by IAU name or id)' \
'detections:The detections (and forced measurements) of one image (path or id)' \
'synth:Write a synthetic DSA-110-like sky\: N images and a truth CSV beside each' \
'config:Print the configuration in effect, or with --default the commented default file' \
'completions:Print a shell completion script (bash, zsh, fish, elvish, powershell)' \
'tui:The dashboard on DIR... (indexed live in this process, or followed while another live indexer holds the database); with no DIR, follows the database only' \
'demo:The demo\: a synthetic sky streamed into a temporary directory (removed on exit), with the dashboard on top. Without a terminal (or with --print)\: index a few images and print' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'obsmon commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__completions_commands] )) ||
_obsmon__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon completions commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__config_commands] )) ||
_obsmon__subcmd__config_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon config commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__demo_commands] )) ||
_obsmon__subcmd__demo_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon demo commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__detections_commands] )) ||
_obsmon__subcmd__detections_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon detections commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__health_commands] )) ||
_obsmon__subcmd__health_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon health commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help_commands] )) ||
_obsmon__subcmd__help_commands() {
    local commands; commands=(
'index:Index every FITS image under DIR... into the database, then exit' \
'watch:Keep the index current\: file events plus periodic reconcile scans (for systemd)' \
'serve:Serve the read-only HTTP API (the original pipeline'\''s /api/v1 endpoints)' \
'health:Health checks, as a Nagios/Icinga plugin (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)' \
'stats:Totals, the last 24 h, per-hour series, latency and database size' \
'runs:Pipeline runs derived from the products that share a timestamp' \
'metrics:Print the Prometheus exposition once' \
'images:List indexed images, newest first' \
'jobs:List indexing jobs (one per file\: its last attempt)' \
'show:Show one image\: its record and every header card' \
'sources:List sky sources (the same object across images)' \
'lightcurve:The light curve of one sky source (by IAU name or id)' \
'detections:The detections (and forced measurements) of one image (path or id)' \
'synth:Write a synthetic DSA-110-like sky\: N images and a truth CSV beside each' \
'config:Print the configuration in effect, or with --default the commented default file' \
'completions:Print a shell completion script (bash, zsh, fish, elvish, powershell)' \
'tui:The dashboard on DIR... (indexed live in this process, or followed while another live indexer holds the database); with no DIR, follows the database only' \
'demo:The demo\: a synthetic sky streamed into a temporary directory (removed on exit), with the dashboard on top. Without a terminal (or with --print)\: index a few images and print' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'obsmon help commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help__subcmd__completions_commands] )) ||
_obsmon__subcmd__help__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon help completions commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help__subcmd__config_commands] )) ||
_obsmon__subcmd__help__subcmd__config_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon help config commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help__subcmd__demo_commands] )) ||
_obsmon__subcmd__help__subcmd__demo_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon help demo commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help__subcmd__detections_commands] )) ||
_obsmon__subcmd__help__subcmd__detections_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon help detections commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help__subcmd__health_commands] )) ||
_obsmon__subcmd__help__subcmd__health_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon help health commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help__subcmd__help_commands] )) ||
_obsmon__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon help help commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help__subcmd__images_commands] )) ||
_obsmon__subcmd__help__subcmd__images_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon help images commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help__subcmd__index_commands] )) ||
_obsmon__subcmd__help__subcmd__index_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon help index commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help__subcmd__jobs_commands] )) ||
_obsmon__subcmd__help__subcmd__jobs_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon help jobs commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help__subcmd__lightcurve_commands] )) ||
_obsmon__subcmd__help__subcmd__lightcurve_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon help lightcurve commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help__subcmd__metrics_commands] )) ||
_obsmon__subcmd__help__subcmd__metrics_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon help metrics commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help__subcmd__runs_commands] )) ||
_obsmon__subcmd__help__subcmd__runs_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon help runs commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help__subcmd__serve_commands] )) ||
_obsmon__subcmd__help__subcmd__serve_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon help serve commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help__subcmd__show_commands] )) ||
_obsmon__subcmd__help__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon help show commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help__subcmd__sources_commands] )) ||
_obsmon__subcmd__help__subcmd__sources_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon help sources commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help__subcmd__stats_commands] )) ||
_obsmon__subcmd__help__subcmd__stats_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon help stats commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help__subcmd__synth_commands] )) ||
_obsmon__subcmd__help__subcmd__synth_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon help synth commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help__subcmd__tui_commands] )) ||
_obsmon__subcmd__help__subcmd__tui_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon help tui commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__help__subcmd__watch_commands] )) ||
_obsmon__subcmd__help__subcmd__watch_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon help watch commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__images_commands] )) ||
_obsmon__subcmd__images_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon images commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__index_commands] )) ||
_obsmon__subcmd__index_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon index commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__jobs_commands] )) ||
_obsmon__subcmd__jobs_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon jobs commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__lightcurve_commands] )) ||
_obsmon__subcmd__lightcurve_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon lightcurve commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__metrics_commands] )) ||
_obsmon__subcmd__metrics_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon metrics commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__runs_commands] )) ||
_obsmon__subcmd__runs_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon runs commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__serve_commands] )) ||
_obsmon__subcmd__serve_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon serve commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__show_commands] )) ||
_obsmon__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon show commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__sources_commands] )) ||
_obsmon__subcmd__sources_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon sources commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__stats_commands] )) ||
_obsmon__subcmd__stats_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon stats commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__synth_commands] )) ||
_obsmon__subcmd__synth_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon synth commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__tui_commands] )) ||
_obsmon__subcmd__tui_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon tui commands' commands "$@"
}
(( $+functions[_obsmon__subcmd__watch_commands] )) ||
_obsmon__subcmd__watch_commands() {
    local commands; commands=()
    _describe -t commands 'obsmon watch commands' commands "$@"
}

if [ "$funcstack[1]" = "_obsmon" ]; then
    _obsmon "$@"
else
    compdef _obsmon obsmon
fi
