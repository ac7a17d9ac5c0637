import UploadIcon from '@mui/icons-material/Upload';
import { Layout as RaLayout, type LayoutProps, Menu } from 'react-admin';

const AppMenu = () => (
  <Menu>
    <Menu.ResourceItems />
    <Menu.Item to="/submit" primaryText="Submit" leftIcon={<UploadIcon />} data-testid="menu-submit" />
  </Menu>
);

export const Layout = ({ children }: LayoutProps) => <RaLayout menu={AppMenu}>{children}</RaLayout>;
