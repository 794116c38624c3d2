# Sourced by bench/scale/run and bench/scale/takeover (ROOT, WORK, die and say set first): what both build, generate
# and compute alike.

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

# jq: an ISO 8601 time of the seed's (UTC, any fraction of a second) as seconds since the epoch.
JQ_TS='def ts: capture("^(?<d>[0-9T:-]+)(?<f>\\.[0-9]+)?") | ((.d + "Z") | fromdateiso8601) + ((.f // "0") | tonumber);'

# Builds flock (DLL) and the simulated nodes (SIM).
build_flock_and_simulated_nodes() {
  say "building flock and the simulated nodes"
  "$ROOT/flock" --version >/dev/null
  DLL="$ROOT/.flock/bin/flock.dll"
  dotnet build "$ROOT/bench/scale/SimulatedNodes" -c Release -v q -nologo >"$WORK/build.log" 2>&1 || { tail -20 "$WORK/build.log"; die "could not build bench/scale/SimulatedNodes"; }
  SIM="$ROOT/bench/scale/SimulatedNodes/bin/Release/net10.0/SimulatedNodes.dll"
}

# The source: 64x64 at 10 fps with a keyframe every 5 frames, so that 0.5 s chunks make CHUNKS of them.
make_source() { # CHUNKS PATH
  [ -s "$2" ] && return 0
  say "generating the $1-chunk source"
  ffmpeg -nostdin -v error -y -f lavfi -i "testsrc2=s=64x64:r=10:d=$(($1 / 2))" -c:v libx264 -preset ultrafast -g 5 -pix_fmt yuv420p "$2.tmp.mp4"
  mv "$2.tmp.mp4" "$2"
}

# The members' ffmpeg: a chunk encode (the node's carry -copyts) sleeps first, as a slow encoder would.
make_fake() { # SECONDS PATH
  cat >"$2" <<FAKE
#!/usr/bin/env bash
for a in "\$@"; do if [ "\$a" = -copyts ]; then sleep $1; break; fi; done
exec ffmpeg "\$@"
FAKE
  chmod +x "$2"
}
