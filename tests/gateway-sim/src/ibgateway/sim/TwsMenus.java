// Owns: what Trader Workstation's main window has that Gateway's lacks: its menu bar in the Classic
// layout (`Edit > Global Configuration...`) or the Mosaic one (`File > Global Configuration...`),
// File > `Lock Application` (how IBC's MainWindowFrameHandler.java tells TWS is logged in) and
// File > `Exit` (IBC's STOP path for TWS), and the Ctrl+Alt+F / Ctrl+Alt+R reconnect shortcuts
// that IBC's RECONNECTDATA / RECONNECTACCOUNT send (sources.md IBC 3, IBC 5 #5, IBC 5.4).
// sim guesses: the other menus and items (Account, Help > About Trader Workstation) and their order.
package ibgateway.sim;

import java.awt.AWTEvent;
import java.awt.Toolkit;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import javax.swing.JFrame;
import javax.swing.JMenu;
import javax.swing.JMenuBar;
import javax.swing.JMenuItem;
import javax.swing.SwingUtilities;

final class TwsMenus {
    /** The items the flow enables or fires. */
    final JMenuItem configuration;
    final JMenuItem exit;
    final JMenuBar bar = new JMenuBar();

    TwsMenus(MainWindow.Actions actions, boolean mosaic) {
        JMenu file = new JMenu("File");
        JMenu edit = new JMenu("Edit");
        configuration = mosaic
            ? Rec.menu(new JMenuItem(Strings.GLOBAL_CONFIGURATION), "File", Strings.GLOBAL_CONFIGURATION)
            : Rec.menu(new JMenuItem(Strings.GLOBAL_CONFIGURATION), "Edit", Strings.GLOBAL_CONFIGURATION);
        configuration.setEnabled(false); // enabled once logged in; IBC waits for this (sources.md IBC 5.4)
        configuration.addActionListener(e -> actions.openSettings());
        if (mosaic) {
            file.add(configuration);
            file.addSeparator();
        }
        file.add(Rec.menu(new JMenuItem("Save Settings"), "File", "Save Settings"));
        file.add(Rec.menu(new JMenuItem(Strings.LOCK_APPLICATION), "File", Strings.LOCK_APPLICATION));
        file.addSeparator();
        exit = Rec.menu(new JMenuItem(Strings.EXIT_MENU), "File", Strings.EXIT_MENU);
        exit.addActionListener(e -> actions.exitRequested());
        file.add(exit);
        edit.add(Rec.menu(new JMenuItem("Copy"), "Edit", "Copy"));
        if (!mosaic) edit.add(configuration);
        JMenu help = new JMenu("Help");
        help.add(Rec.menu(new JMenuItem("About Trader Workstation"), "Help", "About Trader Workstation"))
            .addActionListener(e -> actions.about());
        bar.add(file);
        bar.add(edit);
        bar.add(new JMenu("Account"));
        bar.add(help);
    }

    /**
     * Records `reconnect` {what: data|account} for Ctrl+Alt+F / Ctrl+Alt+R pressed anywhere in the
     * main window. An AWT listener sees the key whichever component it is dispatched to (the
     * agent dispatches to the focus owner or the root pane).
     */
    static void listenForReconnect(JFrame main) {
        Toolkit.getDefaultToolkit().addAWTEventListener(ev -> {
            KeyEvent k = (KeyEvent) ev;
            if (k.getID() != KeyEvent.KEY_PRESSED) return;
            int mods = InputEvent.CTRL_DOWN_MASK | InputEvent.ALT_DOWN_MASK;
            if ((k.getModifiersEx() & mods) != mods) return;
            java.awt.Component c = k.getComponent();
            if (c != main && SwingUtilities.getWindowAncestor(c) != main) return;
            if (k.getKeyCode() == KeyEvent.VK_F) EventLog.emit("reconnect", "what", "data");
            else if (k.getKeyCode() == KeyEvent.VK_R) EventLog.emit("reconnect", "what", "account");
        }, AWTEvent.KEY_EVENT_MASK);
    }
}
