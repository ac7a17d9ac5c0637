import { defaultDarkTheme, defaultTheme, type RaThemeOptions } from 'react-admin';

// Dense tables: researchers keep several boards on one screen.
const dense: RaThemeOptions['components'] = {
  MuiTableCell: { styleOverrides: { sizeSmall: { padding: '6px 12px' } } },
};

export const lightTheme: RaThemeOptions = { ...defaultTheme, components: { ...defaultTheme.components, ...dense } };
export const darkTheme: RaThemeOptions = { ...defaultDarkTheme, components: { ...defaultDarkTheme.components, ...dense } };
