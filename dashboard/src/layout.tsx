import AdminIcon from '@mui/icons-material/AdminPanelSettings';
import ArenaIcon from '@mui/icons-material/CompareArrows';
import ForgetIcon from '@mui/icons-material/Logout';
import UploadIcon from '@mui/icons-material/Upload';
import { ListItemIcon, ListItemText, MenuItem } from '@mui/material';
import { AppBar, Layout as RaLayout, type LayoutProps, Menu, usePermissions, useRefresh, UserMenu, useUserMenu } from 'react-admin';
import type { Whoami } from './api-types';
import { forgetToken, readToken } from './auth/token-store';

/** Only an admin token sees the Admin entry (the page itself also says so to anyone else). */
const AdminItem = () => {
  const { permissions } = usePermissions<Whoami | null>();
  if (permissions?.role !== 'admin') return null;
  return <Menu.Item to="/admin" primaryText="Admin" leftIcon={<AdminIcon />} data-testid="menu-admin" />;
};

const AppMenu = () => (
  <Menu>
    <Menu.ResourceItems />
    <Menu.Item to="/arena" primaryText="Arena" leftIcon={<ArenaIcon />} data-testid="menu-arena" />
    <Menu.Item to="/submit" primaryText="Submit" leftIcon={<UploadIcon />} data-testid="menu-submit" />
    <AdminItem />
  </Menu>
);

const ForgetToken = () => {
  const refresh = useRefresh();
  const menu = useUserMenu();
  if (!readToken()) {
    return (
      <MenuItem disabled>
        <ListItemText primary="No token" secondary="set one on the Submit page" />
      </MenuItem>
    );
  }
  return (
    <MenuItem
      onClick={() => {
        forgetToken();
        menu?.onClose();
        refresh();
      }}
      data-testid="forget-token"
    >
      <ListItemIcon>
        <ForgetIcon fontSize="small" />
      </ListItemIcon>
      <ListItemText primary="Forget this token" secondary="stored in this browser" />
    </MenuItem>
  );
};

// The identity (the token's owner and role) is the user menu's label; its one action forgets the token.
const TokenAppBar = () => (
  <AppBar
    userMenu={
      <UserMenu>
        <ForgetToken />
      </UserMenu>
    }
  />
);

// react-admin lets the layout grow to its content (min-width: fit-content, then flex items): one unbreakable
// child (a JSON block's long line, a wide table) widened the whole page, which then scrolled sideways. With
// min-width 0 down the chain, such a child scrolls inside its own box and the page keeps the window's width.
const fitWindow = {
  minWidth: 0,
  '& .RaLayout-appFrame, & .RaLayout-contentWithSidebar, & .RaLayout-content, & .RaShow-card': { minWidth: 0 },
};

export const Layout = ({ children }: LayoutProps) => (
  <RaLayout menu={AppMenu} appBar={TokenAppBar} sx={fitWindow}>
    {children}
  </RaLayout>
);
