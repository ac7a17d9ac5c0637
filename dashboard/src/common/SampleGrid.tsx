import { Box, Dialog, DialogContent, DialogTitle, Skeleton, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useDataProvider } from 'react-admin';
import type { GenbenchDataProvider } from '../data-provider';

/**
 * The PNG behind `url`, fetched through the data provider (with the token, so private entries' grids load
 * too) and handed to <img> as an object URL that is released when the component goes.
 */
export function useImage(url: string): { src?: string; error?: string } {
  const dataProvider = useDataProvider<GenbenchDataProvider>();
  const [state, setState] = useState<{ src?: string; error?: string }>({});
  useEffect(() => {
    let src: string | undefined;
    let live = true;
    setState({});
    dataProvider.fetchImage(url).then(
      (blob) => {
        src = URL.createObjectURL(blob);
        if (live) setState({ src });
        else URL.revokeObjectURL(src);
      },
      (err: Error) => live && setState({ error: err.message }),
    );
    return () => {
      live = false;
      if (src) URL.revokeObjectURL(src);
    };
  }, [dataProvider, url]);
  return state;
}

/**
 * The grid of an evaluation's first samples (the runner tiles them 8×8). Samples are small (32 px for the
 * smoke suites), so they are scaled without smoothing; a click shows the grid at twice the size.
 */
export const SampleGrid = ({ url, alt, size = 256, caption }: { url: string; alt: string; size?: number; caption?: React.ReactNode }) => {
  const { src, error } = useImage(url);
  const [open, setOpen] = useState(false);
  return (
    // Inside a clickable table row: neither the image nor its dialog (a portal, but React bubbles through it) opens the row.
    <Box component="figure" sx={{ m: 0, width: size }} data-testid="sample-grid" onClick={(e: React.MouseEvent) => e.stopPropagation()}>
      {src ? (
        <Box
          component="img"
          src={src}
          alt={alt}
          onClick={() => setOpen(true)}
          sx={{
            width: size,
            height: size,
            display: 'block',
            imageRendering: 'pixelated',
            cursor: 'zoom-in',
            borderRadius: 0.5,
            bgcolor: 'action.hover',
          }}
        />
      ) : error ? (
        <Box sx={{ width: size, height: size, display: 'grid', placeItems: 'center', bgcolor: 'action.hover', borderRadius: 0.5 }}>
          <Typography variant="caption" color="text.secondary" sx={{ p: 1, textAlign: 'center' }}>
            samples unavailable: {error}
          </Typography>
        </Box>
      ) : (
        <Skeleton variant="rectangular" width={size} height={size} />
      )}
      {caption && (
        <Typography component="figcaption" variant="caption" color="text.secondary" sx={{ display: 'block', mt: 0.5 }}>
          {caption}
        </Typography>
      )}
      <Dialog open={open} onClose={() => setOpen(false)} maxWidth="md">
        <DialogTitle sx={{ fontSize: 16 }}>{alt}</DialogTitle>
        <DialogContent>
          <Box component="img" src={src} alt={alt} sx={{ width: 640, maxWidth: '100%', display: 'block', imageRendering: 'pixelated' }} />
        </DialogContent>
      </Dialog>
    </Box>
  );
};
