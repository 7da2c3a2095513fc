// Owns: the simulator's Trader Workstation entry point. Real TWS starts with
// `jclient.LoginFrame <settingsDir>` (IBC's IbcTws.java calls jclient.LoginFrame.main with the
// settings directory as its only argument); the sim runs the same Flow as for Gateway in TWS mode:
// TWS's login frame, a 2FA frame, the main window with File > Lock Application, Classic or Mosaic
// menus, API ports 7496/7497.
package jclient;

import ibgateway.GWClient;

public final class LoginFrame {
    private LoginFrame() {}

    public static void main(String[] args) throws Exception {
        GWClient.launch(args, true);
    }
}
