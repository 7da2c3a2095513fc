#!/bin/bash
# IB Gateway launcher of the ibg-pilot gateway simulator, installed as <program dir>/ibgateway.
# It behaves like install4j's generated Unix launcher in the ways a controller depends on:
#   - Java from INSTALL4J_JAVA_HOME, else .install4j/pref_jre.cfg, else .install4j/inst_jre.cfg,
#     else java on PATH;
#   - JVM options from ibgateway.vmoptions (every non-comment line, -D lines included);
#   - INSTALL4J_ADD_VM_PARAMS appended after them;
#   - installer variables as -V<name>=<value> arguments: -VjtsConfigDir sets the settings
#     directory. The launcher's own -DjtsConfigDir comes AFTER the added VM params, so (Java keeps
#     the last -D) a -DjtsConfigDir in INSTALL4J_ADD_VM_PARAMS has no effect: only -V works
#     (sources.md peers A3, ibg-controller v0.2.1);
#   - the working directory is the program directory; the JVM replaces this shell (exec), so the
#     launcher's PID is Gateway's PID.
prg_dir="$(cd "$(dirname "$0")" && pwd)"
# Installed as `ibgateway` (IB Gateway) or as `tws` (Trader Workstation: tws.vmoptions and TWS's
# main class jclient.LoginFrame, as IBC's ibcstart.sh expects of a TWS install).
launcher_id="$(basename "$0")"
case "$launcher_id" in
  tws) main_class=jclient.LoginFrame ;;
  *) launcher_id=ibgateway main_class=ibgateway.GWClient ;;
esac

jts_config_dir="$HOME/Jts"
args=()
for a in "$@"; do
  case "$a" in
    -VjtsConfigDir=*) jts_config_dir="${a#-VjtsConfigDir=}" ;;
    -V*) ;; # other installer variables (e.g. -VinstallerType=standalone) are accepted
    *) args+=("$a") ;;
  esac
done

java_home=""
if [ -n "$INSTALL4J_JAVA_HOME" ]; then
  java_home="$INSTALL4J_JAVA_HOME"
else
  for cfg in "$prg_dir/.install4j/pref_jre.cfg" "$prg_dir/.install4j/inst_jre.cfg"; do
    if [ -f "$cfg" ]; then
      candidate="$(head -n 1 "$cfg" | tr -d '\r')"
      if [ -x "$candidate/bin/java" ]; then java_home="$candidate"; break; fi
    fi
  done
fi
if [ -n "$java_home" ]; then
  java_bin="$java_home/bin/java"
else
  java_bin="$(command -v java)"
fi
if [ -z "$java_bin" ] || [ ! -x "$java_bin" ]; then
  echo "No suitable Java Virtual Machine could be found on your system." >&2
  exit 83
fi

vm_opts=()
if [ -f "$prg_dir/$launcher_id.vmoptions" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%$'\r'}"
    case "$line" in "" | \#*) continue ;; esac
    vm_opts+=("$line")
  done <"$prg_dir/$launcher_id.vmoptions"
fi
# install4j splits INSTALL4J_ADD_VM_PARAMS on white space.
read -r -a add_params <<<"${INSTALL4J_ADD_VM_PARAMS:-}"

classpath=""
for jar in "$prg_dir"/jars/*.jar; do
  classpath="${classpath:+$classpath:}$jar"
done
classpath="$classpath:$prg_dir/.install4j/i4jruntime.jar"

cd "$prg_dir" || exit 1
exec "$java_bin" "${vm_opts[@]}" "${add_params[@]}" \
  -Dinstall4j.launcherId="$launcher_id" -Dinstall4j.swt=false -Dexe4j.moduleName="$prg_dir/$launcher_id" \
  -DjtsConfigDir="$jts_config_dir" \
  -classpath "$classpath" "$main_class" "${args[@]}"
