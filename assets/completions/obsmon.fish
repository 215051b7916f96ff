# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_obsmon_global_optspecs
    string join \n index-only json j/jobs= no-pixels no-sources metrics-file= color= mouse serve= db= config= v/verbose h/help V/version
end

function __fish_obsmon_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_obsmon_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_obsmon_using_subcommand
    set -l cmd (__fish_obsmon_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c obsmon -n "__fish_obsmon_needs_command" -s j -l jobs -d 'Worker threads [default: number of cores]' -r
complete -c obsmon -n "__fish_obsmon_needs_command" -l metrics-file -d 'After the run, write the Prometheus exposition to PATH (atomically), for node_exporter\'s textfile collector' -r -F
complete -c obsmon -n "__fish_obsmon_needs_command" -l color -d 'Colours: never, 16, 256 or truecolor [default: from NO_COLOR, COLORTERM and TERM]' -r -f -a "never\t'No colour at all (also `NO_COLOR`): pictures become greyscale glyphs'
16\t'The 16 ANSI colours'
256\t'The xterm 256-colour palette'
truecolor\t'24-bit colour'"
complete -c obsmon -n "__fish_obsmon_needs_command" -l serve -d 'With the dashboard: also serve the read-only HTTP API on ADDR (e.g. 127.0.0.1:8889)' -r
complete -c obsmon -n "__fish_obsmon_needs_command" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_needs_command" -l config -d 'The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml]' -r -F
complete -c obsmon -n "__fish_obsmon_needs_command" -l index-only -d 'Index DIR... once and exit (the same as `obsmon index DIR...`), for cron'
complete -c obsmon -n "__fish_obsmon_needs_command" -l json -d 'Print the run\'s summary as one JSON object'
complete -c obsmon -n "__fish_obsmon_needs_command" -l no-pixels -d 'Header metadata only: do not read pixels (no noise, peak, dynamic range, sources)'
complete -c obsmon -n "__fish_obsmon_needs_command" -l no-sources -d 'Image statistics without the source finder and association'
complete -c obsmon -n "__fish_obsmon_needs_command" -l mouse -d 'Capture the mouse (the wheel scrolls); off by default so the terminal\'s own selection and copy keep working'
complete -c obsmon -n "__fish_obsmon_needs_command" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obsmon -n "__fish_obsmon_needs_command" -s V -l version -d 'Print version'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "index" -d 'Index every FITS image under DIR... into the database, then exit'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "watch" -d 'Keep the index current: file events plus periodic reconcile scans (for systemd)'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "serve" -d 'Serve the read-only HTTP API (the original pipeline\'s /api/v1 endpoints)'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "health" -d 'Health checks, as a Nagios/Icinga plugin (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "stats" -d 'Totals, the last 24 h, per-hour series, latency and database size'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "runs" -d 'Pipeline runs derived from the products that share a timestamp'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "metrics" -d 'Print the Prometheus exposition once'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "images" -d 'List indexed images, newest first'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "jobs" -d 'List indexing jobs (one per file: its last attempt)'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "show" -d 'Show one image: its record and every header card'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "sources" -d 'List sky sources (the same object across images)'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "lightcurve" -d 'The light curve of one sky source (by IAU name or id)'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "detections" -d 'The detections (and forced measurements) of one image (path or id)'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "synth" -d 'Write a synthetic DSA-110-like sky: N images and a truth CSV beside each'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "config" -d 'Print the configuration in effect, or with --default the commented default file'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "completions" -d 'Print a shell completion script (bash, zsh, fish, elvish, powershell)'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "tui" -d 'The dashboard on DIR... (indexed live in this process, or followed while another live indexer holds the database); with no DIR, follows the database only'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "demo" -d 'The demo: a synthetic sky streamed into a temporary directory (removed on exit), with the dashboard on top. Without a terminal (or with --print): index a few images and print'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c obsmon -n "__fish_obsmon_using_subcommand index" -s j -l jobs -d 'Worker threads [default: number of cores]' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand index" -l metrics-file -d 'After the run, write the Prometheus exposition to PATH (atomically), for node_exporter\'s textfile collector' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand index" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand index" -l config -d 'The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand index" -l json -d 'Print the run\'s summary as one JSON object'
complete -c obsmon -n "__fish_obsmon_using_subcommand index" -l no-pixels -d 'Header metadata only: do not read pixels (no noise, peak, dynamic range, sources)'
complete -c obsmon -n "__fish_obsmon_using_subcommand index" -l no-sources -d 'Image statistics without the source finder and association'
complete -c obsmon -n "__fish_obsmon_using_subcommand index" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand index" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand watch" -l poll -d 'Scan only, every SECS seconds (network filesystems, where file events do not arrive)' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand watch" -l rescan -d 'Full reconcile scan every SECS seconds [default: 60, or the config file\'s]' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand watch" -l settle -d 'Seconds a file must stay unchanged before it is read (when no close or rename is seen) [default: 1, or the config file\'s]' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand watch" -s j -l jobs -d 'Worker threads [default: number of cores]' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand watch" -l metrics-addr -d 'Serve Prometheus metrics on ADDR (e.g. 127.0.0.1:9464) at /metrics' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand watch" -l serve -d 'Also serve the read-only HTTP API on ADDR (e.g. 127.0.0.1:8889)' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand watch" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand watch" -l config -d 'The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand watch" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand watch" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand serve" -l addr -d 'Address to listen on (loopback by default)' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand serve" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand serve" -l config -d 'The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand serve" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand serve" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand health" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand health" -l config -d 'The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand health" -l json -d 'Every check as JSON'
complete -c obsmon -n "__fish_obsmon_using_subcommand health" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand health" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand stats" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand stats" -l config -d 'The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand stats" -l json -d 'JSON output'
complete -c obsmon -n "__fish_obsmon_using_subcommand stats" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand stats" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand runs" -l limit -d 'At most N runs, newest first' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand runs" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand runs" -l config -d 'The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand runs" -l json -d 'JSON output'
complete -c obsmon -n "__fish_obsmon_using_subcommand runs" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand runs" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand metrics" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand metrics" -l config -d 'The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand metrics" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand metrics" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -l limit -d 'At most N rows' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -l since -d 'Only images observed at or after this time (ISO 8601, UTC)' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -l type -d 'Only this product type (image, pbcor, residual, psf, model, ...)' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -l field -d 'Only this field (OBJECT)' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -l config -d 'The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -l json -d 'JSON output (same as --format json)'
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -l csv -d 'CSV output (same as --format csv)'
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -l missing -d 'Include files that have vanished (state missing)'
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand jobs" -l state -d 'Only jobs in this state (queued, running, done, failed, incomplete, skipped)' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand jobs" -l limit -d 'At most N rows' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand jobs" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand jobs" -l config -d 'The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand jobs" -l json -d 'JSON output'
complete -c obsmon -n "__fish_obsmon_using_subcommand jobs" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand jobs" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand show" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand show" -l config -d 'The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand show" -l json -d 'JSON output'
complete -c obsmon -n "__fish_obsmon_using_subcommand show" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand show" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand sources" -l cone -d 'Only within RA,DEC (degrees) and RADIUS (arcsec), e.g. 150.1,37.2,60' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand sources" -l min-detections -d 'Only sources detected at least N times' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand sources" -l sort -d 'Order: eta, v, flux, n or name (default: id)' -r -f -a "eta\t''
v\t''
flux\t''
n\t''
name\t''"
complete -c obsmon -n "__fish_obsmon_using_subcommand sources" -l limit -d 'At most N rows' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand sources" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand sources" -l config -d 'The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand sources" -l json -d 'JSON output'
complete -c obsmon -n "__fish_obsmon_using_subcommand sources" -l csv -d 'CSV output'
complete -c obsmon -n "__fish_obsmon_using_subcommand sources" -l variable -d 'Only variable sources'
complete -c obsmon -n "__fish_obsmon_using_subcommand sources" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand sources" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand lightcurve" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand lightcurve" -l config -d 'The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand lightcurve" -l json -d 'JSON output'
complete -c obsmon -n "__fish_obsmon_using_subcommand lightcurve" -l csv -d 'CSV output'
complete -c obsmon -n "__fish_obsmon_using_subcommand lightcurve" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand lightcurve" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand detections" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand detections" -l config -d 'The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand detections" -l json -d 'JSON output'
complete -c obsmon -n "__fish_obsmon_using_subcommand detections" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand detections" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand synth" -l count -d 'Number of images (epochs, 5 minutes apart)' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand synth" -l size -d 'Image width and height, pixels' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand synth" -l seed -d 'Random seed (same seed, same sky)' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand synth" -l sources -d 'Number of sources' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand synth" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand synth" -l config -d 'The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand synth" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand synth" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand config" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand config" -l config -d 'The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand config" -l default -d 'Print the commented default configuration (to start an obsmon.toml from)'
complete -c obsmon -n "__fish_obsmon_using_subcommand config" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand config" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand completions" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand completions" -l config -d 'The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand completions" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand completions" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand tui" -l poll -d 'Scan only, every SECS seconds (network filesystems, where file events do not arrive)' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand tui" -l rescan -d 'Full reconcile scan every SECS seconds [default: 60, or the config file\'s]' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand tui" -l settle -d 'Seconds a file must stay unchanged before it is read (when no close or rename is seen) [default: 1, or the config file\'s]' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand tui" -s j -l jobs -d 'Worker threads [default: number of cores]' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand tui" -l metrics-addr -d 'Serve Prometheus metrics on ADDR (e.g. 127.0.0.1:9464) at /metrics' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand tui" -l serve -d 'Also serve the read-only HTTP API on ADDR (e.g. 127.0.0.1:8889)' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand tui" -l color -d 'Colours: never, 16, 256 or truecolor [default: from NO_COLOR, COLORTERM and TERM]' -r -f -a "never\t'No colour at all (also `NO_COLOR`): pictures become greyscale glyphs'
16\t'The 16 ANSI colours'
256\t'The xterm 256-colour palette'
truecolor\t'24-bit colour'"
complete -c obsmon -n "__fish_obsmon_using_subcommand tui" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand tui" -l config -d 'The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand tui" -l mouse -d 'Capture the mouse (the wheel scrolls); off by default so the terminal\'s own selection and copy keep working'
complete -c obsmon -n "__fish_obsmon_using_subcommand tui" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand tui" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obsmon -n "__fish_obsmon_using_subcommand demo" -l count -d 'With --print: number of images' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand demo" -l size -d 'Image size, pixels' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand demo" -l cadence -d 'Seconds between images' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand demo" -l color -d 'Colours: never, 16, 256 or truecolor [default: from NO_COLOR, COLORTERM and TERM]' -r -f -a "never\t'No colour at all (also `NO_COLOR`): pictures become greyscale glyphs'
16\t'The 16 ANSI colours'
256\t'The xterm 256-colour palette'
truecolor\t'24-bit colour'"
complete -c obsmon -n "__fish_obsmon_using_subcommand demo" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand demo" -l config -d 'The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand demo" -l print -d 'Print a summary instead of the dashboard'
complete -c obsmon -n "__fish_obsmon_using_subcommand demo" -l mouse -d 'Capture the mouse (the wheel scrolls); off by default so the terminal\'s own selection and copy keep working'
complete -c obsmon -n "__fish_obsmon_using_subcommand demo" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch serve health stats runs metrics images jobs show sources lightcurve detections synth config completions tui demo help" -f -a "index" -d 'Index every FITS image under DIR... into the database, then exit'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch serve health stats runs metrics images jobs show sources lightcurve detections synth config completions tui demo help" -f -a "watch" -d 'Keep the index current: file events plus periodic reconcile scans (for systemd)'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch serve health stats runs metrics images jobs show sources lightcurve detections synth config completions tui demo help" -f -a "serve" -d 'Serve the read-only HTTP API (the original pipeline\'s /api/v1 endpoints)'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch serve health stats runs metrics images jobs show sources lightcurve detections synth config completions tui demo help" -f -a "health" -d 'Health checks, as a Nagios/Icinga plugin (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch serve health stats runs metrics images jobs show sources lightcurve detections synth config completions tui demo help" -f -a "stats" -d 'Totals, the last 24 h, per-hour series, latency and database size'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch serve health stats runs metrics images jobs show sources lightcurve detections synth config completions tui demo help" -f -a "runs" -d 'Pipeline runs derived from the products that share a timestamp'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch serve health stats runs metrics images jobs show sources lightcurve detections synth config completions tui demo help" -f -a "metrics" -d 'Print the Prometheus exposition once'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch serve health stats runs metrics images jobs show sources lightcurve detections synth config completions tui demo help" -f -a "images" -d 'List indexed images, newest first'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch serve health stats runs metrics images jobs show sources lightcurve detections synth config completions tui demo help" -f -a "jobs" -d 'List indexing jobs (one per file: its last attempt)'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch serve health stats runs metrics images jobs show sources lightcurve detections synth config completions tui demo help" -f -a "show" -d 'Show one image: its record and every header card'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch serve health stats runs metrics images jobs show sources lightcurve detections synth config completions tui demo help" -f -a "sources" -d 'List sky sources (the same object across images)'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch serve health stats runs metrics images jobs show sources lightcurve detections synth config completions tui demo help" -f -a "lightcurve" -d 'The light curve of one sky source (by IAU name or id)'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch serve health stats runs metrics images jobs show sources lightcurve detections synth config completions tui demo help" -f -a "detections" -d 'The detections (and forced measurements) of one image (path or id)'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch serve health stats runs metrics images jobs show sources lightcurve detections synth config completions tui demo help" -f -a "synth" -d 'Write a synthetic DSA-110-like sky: N images and a truth CSV beside each'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch serve health stats runs metrics images jobs show sources lightcurve detections synth config completions tui demo help" -f -a "config" -d 'Print the configuration in effect, or with --default the commented default file'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch serve health stats runs metrics images jobs show sources lightcurve detections synth config completions tui demo help" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, elvish, powershell)'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch serve health stats runs metrics images jobs show sources lightcurve detections synth config completions tui demo help" -f -a "tui" -d 'The dashboard on DIR... (indexed live in this process, or followed while another live indexer holds the database); with no DIR, follows the database only'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch serve health stats runs metrics images jobs show sources lightcurve detections synth config completions tui demo help" -f -a "demo" -d 'The demo: a synthetic sky streamed into a temporary directory (removed on exit), with the dashboard on top. Without a terminal (or with --print): index a few images and print'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch serve health stats runs metrics images jobs show sources lightcurve detections synth config completions tui demo help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
