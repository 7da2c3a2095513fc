// Owns: the simulated IB Gateway's entry point, `ibgateway.GWClient <settingsDir>` like the real one.
// It resolves the settings directory (argument, else -DjtsConfigDir, else ~/Jts), the scenario
// (-Dsim.scenario, IBG_SIM_SCENARIO, else <settingsDir>/sim-scenario.json), the event log (-Dsim.events or IBG_SIM_EVENTS, default
// <settingsDir>/sim-events.jsonl) and -Drestart, then hands over to the Flow.
package ibgateway;

import ibgateway.sim.Driver;
import ibgateway.sim.EventLog;
import ibgateway.sim.Flow;
import ibgateway.sim.LauncherLog;
import ibgateway.sim.Rec;
import ibgateway.sim.Scenario;
import ibgateway.sim.Settings;
import ibgateway.sim.SimClock;
import ibgateway.sim.Totp;
import java.nio.file.Files;
import java.nio.file.Path;

public final class GWClient {
    private GWClient() {}

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isEmpty()) v = System.getenv(env);
        return v == null || v.isEmpty() ? null : v;
    }

    /** The install's version: the name of the folder above jars/ (e.g. 10.45.1j). */
    private static String version() {
        try {
            Path jar = Path.of(GWClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = jar.getParent() != null ? jar.getParent().getParent() : null;
            if (dir != null && jar.getParent().getFileName().toString().equals("jars")) {
                String name = dir.getFileName().toString();
                if (name.matches("\\d+(\\.\\d+.*)?")) return name;
            }
        } catch (Exception ignored) {
            // not running from an install: use the default below
        }
        return System.getProperty("sim.version", "10.45.1j");
    }

    public static void main(String[] args) throws Exception {
        launch(args, false);
    }

    /** Runs the sim as IB Gateway, or (tws) as Trader Workstation (jclient.LoginFrame). */
    public static void launch(String[] args, boolean tws) throws Exception {
        String dir = args.length > 0 && !args[0].startsWith("-") ? args[0] : System.getProperty("jtsConfigDir");
        if (dir == null || dir.isEmpty() || dir.contains("${")) dir = System.getProperty("user.home") + "/Jts";
        Path settingsDir = Path.of(dir).toAbsolutePath().normalize();
        Files.createDirectories(settingsDir);

        Scenario sc;
        try {
            String scenario = setting("sim.scenario", "IBG_SIM_SCENARIO");
            // Two sims sharing one environment (dual mode) each read their own settings dir's file.
            Path own = settingsDir.resolve("sim-scenario.json");
            if (scenario == null && Files.exists(own)) scenario = own.toString();
            sc = Scenario.load(scenario);
        } catch (Exception e) {
            System.err.println("gateway-sim: cannot load the scenario: " + e.getMessage());
            System.exit(2);
            return;
        }
        SimClock.configure(sc);
        Totp.configure(sc);
        String events = setting("sim.events", "IBG_SIM_EVENTS");
        Path eventsPath = events != null ? Path.of(events) : settingsDir.resolve("sim-events.jsonl");
        EventLog.open(eventsPath, sc.secrets(), sc.str("twofa.secret", null));
        Rec.mouse();
        LauncherLog.open(settingsDir);
        String restart = System.getProperty("restart");
        if (restart != null && restart.isEmpty()) restart = null;
        String version = version();
        EventLog.emit("sim-start", "version", version, "product", tws ? "tws" : "gateway", "pid", ProcessHandle.current().pid(),
            "settingsDir", settingsDir.toString(), "restart", restart != null, "scenario", sc.summary());
        Flow flow = new Flow(sc, new Settings(settingsDir), version, restart, tws);
        flow.start();
        if (sc.get("drive") != null) new Driver(flow, sc).start();
    }
}
