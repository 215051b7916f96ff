# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_obsmon_global_optspecs
    string join \n index-only json j/jobs= no-pixels no-sources db= v/verbose h/help V/version
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
complete -c obsmon -n "__fish_obsmon_needs_command" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_needs_command" -l index-only -d 'Index DIR... once and exit (the same as `obsmon index DIR...`), for cron'
complete -c obsmon -n "__fish_obsmon_needs_command" -l json -d 'Print the run\'s summary as one JSON object'
complete -c obsmon -n "__fish_obsmon_needs_command" -l no-pixels -d 'Header metadata only: do not read pixels (no noise, peak, dynamic range, sources)'
complete -c obsmon -n "__fish_obsmon_needs_command" -l no-sources -d 'Image statistics without the source finder and association'
complete -c obsmon -n "__fish_obsmon_needs_command" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obsmon -n "__fish_obsmon_needs_command" -s V -l version -d 'Print version'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "index" -d 'Index every FITS image under DIR... into the database, then exit'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "watch" -d 'Keep the index current: file events plus periodic reconcile scans (for systemd)'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "images" -d 'List indexed images, newest first'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "jobs" -d 'List indexing jobs (one per file: its last attempt)'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "show" -d 'Show one image: its record and every header card'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "sources" -d 'List sky sources (the same object across images)'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "lightcurve" -d 'The light curve of one sky source (by IAU name or id)'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "detections" -d 'The detections (and forced measurements) of one image (path or id)'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "synth" -d 'Write a synthetic DSA-110-like sky: N images and a truth CSV beside each'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "completions" -d 'Print a shell completion script (bash, zsh, fish, elvish, powershell)'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "demo" -d 'The demo: a synthetic sky written into a temporary directory and indexed'
complete -c obsmon -n "__fish_obsmon_needs_command" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c obsmon -n "__fish_obsmon_using_subcommand index" -s j -l jobs -d 'Worker threads [default: number of cores]' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand index" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand index" -l json -d 'Print the run\'s summary as one JSON object'
complete -c obsmon -n "__fish_obsmon_using_subcommand index" -l no-pixels -d 'Header metadata only: do not read pixels (no noise, peak, dynamic range, sources)'
complete -c obsmon -n "__fish_obsmon_using_subcommand index" -l no-sources -d 'Image statistics without the source finder and association'
complete -c obsmon -n "__fish_obsmon_using_subcommand index" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand index" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand watch" -l poll -d 'Scan only, every SECS seconds (network filesystems, where file events do not arrive)' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand watch" -l rescan -d 'Full reconcile scan every SECS seconds' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand watch" -l settle -d 'Seconds a file must stay unchanged before it is read (when no close or rename is seen)' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand watch" -s j -l jobs -d 'Worker threads [default: number of cores]' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand watch" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand watch" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand watch" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -l limit -d 'At most N rows' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -l since -d 'Only images observed at or after this time (ISO 8601, UTC)' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -l type -d 'Only this product type (image, pbcor, residual, psf, model, ...)' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -l field -d 'Only this field (OBJECT)' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -l json -d 'JSON output (same as --format json)'
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -l csv -d 'CSV output (same as --format csv)'
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -l missing -d 'Include files that have vanished (state missing)'
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand images" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand jobs" -l state -d 'Only jobs in this state (queued, running, done, failed, incomplete, skipped)' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand jobs" -l limit -d 'At most N rows' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand jobs" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand jobs" -l json -d 'JSON output'
complete -c obsmon -n "__fish_obsmon_using_subcommand jobs" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand jobs" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand show" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
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
complete -c obsmon -n "__fish_obsmon_using_subcommand sources" -l json -d 'JSON output'
complete -c obsmon -n "__fish_obsmon_using_subcommand sources" -l csv -d 'CSV output'
complete -c obsmon -n "__fish_obsmon_using_subcommand sources" -l variable -d 'Only variable sources'
complete -c obsmon -n "__fish_obsmon_using_subcommand sources" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand sources" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand lightcurve" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand lightcurve" -l json -d 'JSON output'
complete -c obsmon -n "__fish_obsmon_using_subcommand lightcurve" -l csv -d 'CSV output'
complete -c obsmon -n "__fish_obsmon_using_subcommand lightcurve" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand lightcurve" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand detections" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand detections" -l json -d 'JSON output'
complete -c obsmon -n "__fish_obsmon_using_subcommand detections" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand detections" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand synth" -l count -d 'Number of images (epochs, 5 minutes apart)' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand synth" -l size -d 'Image width and height, pixels' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand synth" -l seed -d 'Random seed (same seed, same sky)' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand synth" -l sources -d 'Number of sources' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand synth" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand synth" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand synth" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand completions" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand completions" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand completions" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand demo" -l count -d 'Number of images' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand demo" -l size -d 'Image size, pixels' -r
complete -c obsmon -n "__fish_obsmon_using_subcommand demo" -l db -d 'The database file [default: $XDG_DATA_HOME/obsmon/index.redb]' -r -F
complete -c obsmon -n "__fish_obsmon_using_subcommand demo" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c obsmon -n "__fish_obsmon_using_subcommand demo" -s h -l help -d 'Print help'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch images jobs show sources lightcurve detections synth completions demo help" -f -a "index" -d 'Index every FITS image under DIR... into the database, then exit'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch images jobs show sources lightcurve detections synth completions demo help" -f -a "watch" -d 'Keep the index current: file events plus periodic reconcile scans (for systemd)'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch images jobs show sources lightcurve detections synth completions demo help" -f -a "images" -d 'List indexed images, newest first'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch images jobs show sources lightcurve detections synth completions demo help" -f -a "jobs" -d 'List indexing jobs (one per file: its last attempt)'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch images jobs show sources lightcurve detections synth completions demo help" -f -a "show" -d 'Show one image: its record and every header card'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch images jobs show sources lightcurve detections synth completions demo help" -f -a "sources" -d 'List sky sources (the same object across images)'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch images jobs show sources lightcurve detections synth completions demo help" -f -a "lightcurve" -d 'The light curve of one sky source (by IAU name or id)'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch images jobs show sources lightcurve detections synth completions demo help" -f -a "detections" -d 'The detections (and forced measurements) of one image (path or id)'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch images jobs show sources lightcurve detections synth completions demo help" -f -a "synth" -d 'Write a synthetic DSA-110-like sky: N images and a truth CSV beside each'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch images jobs show sources lightcurve detections synth completions demo help" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, elvish, powershell)'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch images jobs show sources lightcurve detections synth completions demo help" -f -a "demo" -d 'The demo: a synthetic sky written into a temporary directory and indexed'
complete -c obsmon -n "__fish_obsmon_using_subcommand help; and not __fish_seen_subcommand_from index watch images jobs show sources lightcurve detections synth completions demo help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
